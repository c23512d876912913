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
    private final List<String> aborted = new ArrayList<>();
    private final RestoreStalls.Aborter aborter =
            (partition, transaction) -> aborted.add(partition + "@" + transaction.startOffset());

    /** The cluster's answer: a transaction of producer 7 open from offset 12, which its coordinator has ended. */
    private final RestoreStalls stalls = stalls(
            partitions -> {
                asked.add(List.copyOf(partitions));
                return statusHeldBy(
                        7,
                        3,
                        now.get() - 180_000,
                        "purchase-pipeline-abc-1",
                        new TransactionDescription(
                                1, TransactionState.COMPLETE_ABORT, 7, 4, 5_000, OptionalLong.empty(), Set.of()));
            },
            List::of,
            aborter);

    @Test
    void aRestoreThatDoesNotMoveIsExplainedOnceWithWhatHoldsItsChangelog() {
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        progress.onBatchRestored(STATUS_3, "order-status", 9, 9);
        assertThat(stalls.check()).isEmpty();

        now.addAndGet(29_000);
        assertThat(stalls.check()).as("not yet stalled").isEmpty();

        now.addAndGet(1_000);
        try (LogCapture log = LogCapture.of(RestoreStalls.class, Level.WARN)) {
            final List<String> lines = stalls.check();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0))
                    .startsWith("Restoring store order-status from " + STATUS_3
                            + " has not moved for 30 s (9 of 20 records from offset 0)")
                    .contains("last stable offset 12, high watermark 20")
                    .contains("producer 7 (epoch 3) has a transaction open from offset 12, last written 180 s ago")
                    .contains("which its coordinator has as CompleteAbort")
                    .contains("a hanging transaction")
                    .contains("abort --topic " + STATUS_3.topic() + " --partition 3 --start-offset 12");
            assertThat(lines.get(1))
                    .isEqualTo("Aborted the abandoned transaction of producer 7 (epoch 3) on " + STATUS_3
                            + " from offset 12, which its coordinator has moved on from (purchase-pipeline-abc-1: "
                            + "CompleteAbort, producer 7, epoch 4): its partition can be read on past it");
            assertThat(log.lines())
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line).startsWith("WARN "));
        }
        assertThat(asked).containsExactly(List.of(STATUS_3));
        assertThat(aborted).containsExactly(STATUS_3 + "@12");
    }

    @Test
    void theExplanationComesOncePerStall() {
        final RestoreStalls explaining = stalls(
                partitions -> Map.of(STATUS_3, new OpenTransactions.Partition(STATUS_3, 12, 20, List.of())),
                List::of,
                aborter);
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        explaining.check();
        now.addAndGet(30_000);
        assertThat(explaining.check())
                .singleElement()
                .asString()
                .endsWith("last stable offset 12, high watermark 20; no transaction open on it");

        now.addAndGet(60_000);
        assertThat(explaining.check()).as("once per stall").isEmpty();
        assertThat(aborted).isEmpty();
    }

    @Test
    void onlyATransactionItsCoordinatorHasMovedOnFromAndSilentForAMinuteIsAborted() {
        final TopicPartition other = new TopicPartition("purchase-pipeline-inventory-changelog", 0);
        final TransactionDescription stillOpen = new TransactionDescription(
                1, TransactionState.ONGOING, 9, 2, 10_000, OptionalLong.of(0), Set.of(STATUS_3));
        final TransactionDescription movedOn =
                new TransactionDescription(1, TransactionState.EMPTY, 8, 460, 10_000, OptionalLong.empty(), Set.of());
        final RestoreStalls judging = stalls(
                partitions -> Map.of(
                        STATUS_3,
                        new OpenTransactions.Partition(
                                STATUS_3,
                                12,
                                20,
                                List.of(
                                        // its coordinator still has it open here: its markers will come
                                        new OpenTransactions.Open(9, 2, 12, 0, 0, "live-1", stillOpen),
                                        // no coordinator lists it: its transactional id may only have expired
                                        new OpenTransactions.Open(5, 1, 13, 0, 0, null, null),
                                        // fenced by epoch 460, silent since the start
                                        new OpenTransactions.Open(8, 6, 14, 0, 0, "fenced-1", movedOn),
                                        // fenced too, but written to 30 s ago
                                        new OpenTransactions.Open(
                                                8, 5, 15, now.get() - 30_000, 0, "fenced-1", movedOn)))),
                List::of,
                aborter);
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        progress.onRestoreStart(other, "inventory", 0, 5);
        judging.check();
        now.addAndGet(30_000);
        progress.onBatchRestored(other, "inventory", 2, 2);

        judging.check();

        assertThat(aborted).containsExactly(STATUS_3 + "@14");
    }

    @Test
    void anAbortThatFailsIsSaidSo() {
        final RestoreStalls failing = stalls(
                partitions -> statusHeldBy(
                        8,
                        6,
                        0,
                        "fenced-1",
                        new TransactionDescription(
                                1, TransactionState.EMPTY, 8, 7, 10_000, OptionalLong.empty(), Set.of())),
                List::of,
                (partition, transaction) -> {
                    throw new IllegalStateException("not the leader");
                });
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        failing.check();
        now.addAndGet(30_000);

        assertThat(failing.check().get(1))
                .startsWith("Could not abort the abandoned transaction of producer 8 (epoch 6)")
                .endsWith(": java.lang.IllegalStateException: not the leader");
    }

    @Test
    void aRestoreThatMovesAgainIsWatchedAfresh() {
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        stalls.check();
        now.addAndGet(30_000);
        assertThat(stalls.check()).first().asString().startsWith("Restoring store order-status");

        progress.onBatchRestored(STATUS_3, "order-status", 15, 15);
        assertThat(stalls.check()).isEmpty();
        now.addAndGet(20_000);
        assertThat(stalls.check()).as("moved 20 s ago").isEmpty();
        now.addAndGet(10_000);
        assertThat(stalls.check()).first().asString().contains("(15 of 20 records");
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
        final RestoreStalls unanswered = stalls(
                partitions -> {
                    throw new java.util.concurrent.TimeoutException("no answer");
                },
                List::of,
                aborter);
        progress.onRestoreStart(STATUS_3, "order-status", 0, 20);
        unanswered.check();
        now.addAndGet(45_000);

        assertThat(unanswered.check())
                .singleElement()
                .asString()
                .endsWith("has not moved for 45 s (0 of 20 records from offset 0): Kafka could not be asked why "
                        + "(java.util.concurrent.TimeoutException: no answer)");
    }

    @Test
    void theSweepAbortsAbandonedTransactionsOnTheAppsTopicsWhateverIsRestoring() {
        final TopicPartition results = new TopicPartition("reservation-results", 1);
        final TransactionDescription movedOn =
                new TransactionDescription(1, TransactionState.EMPTY, 2, 460, 10_000, OptionalLong.empty(), Set.of());
        final RestoreStalls sweeping = stalls(
                partitions -> {
                    asked.add(List.copyOf(partitions));
                    return Map.of(
                            results,
                            new OpenTransactions.Partition(
                                    results,
                                    0,
                                    1,
                                    List.of(new OpenTransactions.Open(2, 6, 0, 0, 0, "fenced-1", movedOn))),
                            STATUS_3,
                            new OpenTransactions.Partition(STATUS_3, 7, 7, List.of()));
                },
                () -> List.of(results, STATUS_3),
                aborter);

        assertThat(sweeping.sweep())
                .singleElement()
                .asString()
                .startsWith(
                        "Aborted the abandoned transaction of producer 2 (epoch 6) on reservation-results-1 from offset 0");
        assertThat(asked).containsExactly(List.of(results, STATUS_3));
        assertThat(aborted).containsExactly("reservation-results-1@0");
    }

    /** A watcher of {@link #progress} on the test's clock: stalled after 30 s, abandoned after 60 s of silence. */
    private RestoreStalls stalls(
            final RestoreStalls.Inspector inspector,
            final RestoreStalls.AppPartitions appPartitions,
            final RestoreStalls.Aborter aborter) {
        return new RestoreStalls(
                progress,
                inspector,
                appPartitions,
                aborter,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                now::get,
                "127.0.0.1:9092");
    }

    /** {@link #STATUS_3} held from offset 12 (of 20) by one producer's open transaction. */
    private static Map<TopicPartition, OpenTransactions.Partition> statusHeldBy(
            final long producerId,
            final int epoch,
            final long lastWriteMs,
            final String transactionalId,
            final TransactionDescription coordinator) {
        return Map.of(
                STATUS_3,
                new OpenTransactions.Partition(
                        STATUS_3,
                        12,
                        20,
                        List.of(new OpenTransactions.Open(
                                producerId, epoch, 12, lastWriteMs, 0, transactionalId, coordinator))));
    }
}
