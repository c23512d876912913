package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

class RestoreProgressTest {

    private static final TopicPartition ORDERS_2 = new TopicPartition("purchase-pipeline-orders-changelog", 2);
    private static final TopicPartition STOCK_0 = new TopicPartition("purchase-pipeline-inventory-changelog", 0);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RestoreProgress progress = new RestoreProgress(registry);

    @Test
    void tracksEachPartitionFromStartToEnd() {
        progress.onRestoreStart(ORDERS_2, "orders", 100, 1_100);
        progress.onRestoreStart(STOCK_0, "inventory", 0, 50);
        progress.onBatchRestored(ORDERS_2, "orders", 400, 300);

        assertThat(progress.restoring())
                .containsExactly(
                        new RestoreProgress.Snapshot("inventory", STOCK_0.topic(), 0, 0, 50, 0),
                        new RestoreProgress.Snapshot("orders", ORDERS_2.topic(), 2, 100, 1_100, 300));
        assertThat(progress.restoring().get(1).remaining()).isEqualTo(700);

        progress.onBatchRestored(ORDERS_2, "orders", 1_100, 700);
        progress.onRestoreEnd(ORDERS_2, "orders", 1_000);

        assertThat(progress.restoring())
                .extracting(RestoreProgress.Snapshot::store)
                .containsExactly("inventory");
        assertThat(progress.completed()).isEqualTo(1);
    }

    @Test
    void aRestoreCutShortByATaskMovingAwayIsNeitherRunningNorCompleted() {
        progress.onRestoreStart(ORDERS_2, "orders", 0, 10);
        progress.onRestoreSuspended(ORDERS_2, "orders", 4);

        assertThat(progress.restoring()).isEmpty();
        assertThat(progress.completed()).isZero();
    }

    @Test
    void exportsWhatIsLeftToRestoreAsGauges() {
        progress.onRestoreStart(ORDERS_2, "orders", 0, 1_000);
        progress.onRestoreStart(STOCK_0, "inventory", 0, 50);
        progress.onBatchRestored(ORDERS_2, "orders", 250, 250);

        assertThat(registry.get("pipeline.restore.partitions.active").gauge().value())
                .isEqualTo(2);
        assertThat(registry.get("pipeline.restore.records.remaining").gauge().value())
                .isEqualTo(800);
        assertThat(registry.get("pipeline.restore.records.remaining.partition")
                        .tag("store", "orders")
                        .tag("partition", "2")
                        .gauge()
                        .value())
                .isEqualTo(750);

        progress.onRestoreEnd(ORDERS_2, "orders", 1_000);

        assertThat(registry.get("pipeline.restore.records.remaining.partition")
                        .tag("store", "orders")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("pipeline.restore.partitions.active").gauge().value())
                .isEqualTo(1);
    }

    @Test
    void logsTheStartAndTheEndOfARestoreButNoBatch() {
        try (LogCapture log = LogCapture.of(RestoreProgress.class, Level.INFO)) {
            progress.onRestoreStart(ORDERS_2, "orders", 0, 3_000);
            for (int batch = 1; batch <= 3; batch++) {
                progress.onBatchRestored(ORDERS_2, "orders", batch * 1_000L, 1_000);
            }
            progress.onRestoreEnd(ORDERS_2, "orders", 3_000);

            final List<String> lines = log.lines();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("INFO Restoring store orders from " + ORDERS_2 + ": 3000 records");
            assertThat(lines.get(1)).startsWith("INFO Restored store orders from " + ORDERS_2 + ": 3000 records in ");
        }
    }

    /** A first start restores every store from an empty changelog: dozens of lines that say nothing. */
    @Test
    void anEmptyChangelogsRestoreIsNoNewsAtInfo() {
        try (LogCapture log = LogCapture.of(RestoreProgress.class, Level.INFO)) {
            progress.onRestoreStart(ORDERS_2, "orders", 0, 0);
            progress.onRestoreEnd(ORDERS_2, "orders", 0);

            assertThat(log.lines()).isEmpty();
        }
        assertThat(progress.completed()).as("still counted as restored").isEqualTo(1);
    }
}
