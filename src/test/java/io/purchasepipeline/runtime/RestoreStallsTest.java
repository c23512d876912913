package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

class RestoreStallsTest {

    private static final TopicPartition STATUS_3 = new TopicPartition("purchase-pipeline-order-status-changelog", 3);
    private static final TopicPartition TALLY_1 = new TopicPartition("purchase-pipeline-analytics-changelog", 1);

    private final RestoreProgress progress = new RestoreProgress(new SimpleMeterRegistry());
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<List<TopicPartition>> asked = new ArrayList<>();

    /** The cluster's answer: a transaction of producer 7 open from offset 12, which its coordinator has ended. */
    private final RestoreStalls stalls = new RestoreStalls(
            progress,
            partitions -> {
                asked.add(List.copyOf(partitions));
                return Map.of(
                        STATUS_3,
                        new OpenTransactions.Partition(
                                STATUS_3,
                                12,
                                20,
                                List.of(new OpenTransactions.Open(
                                        7,
                                        3,
                                        12,
                                        now.get() - 180_000,
                                        "purchase-pipeline-abc-1",
                                        new TransactionDescription(
                                                1,
                                                TransactionState.COMPLETE_ABORT,
                                                7,
                                                4,
                                                5_000,
                                                OptionalLong.empty(),
                                                Set.of())))));
            },
            Duration.ofSeconds(30),
            now::get,
            "127.0.0.1:9092");

    @Test
    void aRestoreThatDoesNotMoveIsExplainedOnceWithWhatHoldsItsChangelog() {
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        progress.onBatchRestored(STATUS_3, "order-status", 9, 9);
        assertThat(stalls.check()).isEmpty();

        now.addAndGet(29_000);
        assertThat(stalls.check()).as("not yet stalled").isEmpty();

        now.addAndGet(1_000);
        try (LogCapture log = LogCapture.of(RestoreStalls.class, Level.WARN)) {
            assertThat(stalls.check())
                    .singleElement()
                    .asString()
                    .startsWith("Restoring store order-status from " + STATUS_3
                            + " has not moved for 30 s (9 of 20 records from offset 0)")
                    .contains("last stable offset 12, high watermark 20")
                    .contains("producer 7 (epoch 3) has a transaction open from offset 12, last written 180 s ago")
                    .contains("which its coordinator has as CompleteAbort")
                    .contains("a hanging transaction")
                    .contains("abort --topic " + STATUS_3.topic() + " --partition 3 --start-offset 12");
            assertThat(log.lines()).singleElement().asString().startsWith("WARN Restoring store order-status");
        }
        assertThat(asked).containsExactly(List.of(STATUS_3));

        now.addAndGet(60_000);
        assertThat(stalls.check()).as("once per stall").isEmpty();
        assertThat(asked).hasSize(1);
    }

    @Test
    void aRestoreThatMovesAgainIsWatchedAfresh() {
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        stalls.check();
        now.addAndGet(30_000);
        assertThat(stalls.check()).hasSize(1);

        progress.onBatchRestored(STATUS_3, "order-status", 15, 15);
        assertThat(stalls.check()).isEmpty();
        now.addAndGet(20_000);
        assertThat(stalls.check()).as("moved 20 s ago").isEmpty();
        now.addAndGet(10_000);
        assertThat(stalls.check()).singleElement().asString().contains("(15 of 20 records");
    }

    @Test
    void restoresThatMoveOrEndAreNotLookedAt() {
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        progress.onRestoreStart(TALLY_1, "analytics", 0, 5);
        stalls.check();
        for (int i = 1; i <= 4; i++) {
            now.addAndGet(5_000);
            progress.onBatchRestored(TALLY_1, "analytics", i, 1);
            stalls.check();
        }
        progress.onRestoreEnd(STATUS_3, "order-status", 20);
        now.addAndGet(60_000);

        assertThat(stalls.check())
                .as("the analytics restore moved last at its fourth batch, 60 s ago; the other one ended")
                .hasSize(1);
        assertThat(asked).containsExactly(List.of(TALLY_1));
    }

    @Test
    void aClusterThatCannotBeAskedIsSaidSo() {
        final RestoreStalls unanswered = new RestoreStalls(
                progress,
                partitions -> {
                    throw new java.util.concurrent.TimeoutException("no answer");
                },
                Duration.ofSeconds(30),
                now::get,
                "127.0.0.1:9092");
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        unanswered.check();
        now.addAndGet(45_000);

        assertThat(unanswered.check())
                .singleElement()
                .asString()
                .endsWith("has not moved for 45 s (0 of 20 records from offset 0): Kafka could not be asked why "
                        + "(java.util.concurrent.TimeoutException: no answer)");
    }
}
