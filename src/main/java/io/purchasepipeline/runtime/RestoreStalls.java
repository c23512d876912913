package io.purchasepipeline.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log why a restore does not move, and ends what no one else will. A changelog
 * partition whose restore has not restored a record for a while is looked at on the cluster
 * ({@link OpenTransactions}): its last stable offset against its high watermark, and the open
 * transactions that hold it, with what their coordinators say of them. That is logged once per
 * stall of a partition, so that a restore stuck for an hour is one WARN line, not 360.
 *
 * <p>Under exactly-once a restore reads its changelog up to the high watermark and cannot pass an
 * open transaction. One that its coordinator has moved on from (its producer fenced by a later
 * epoch, and no marker will ever come) holds the restore, and every reader of the partition, for
 * good: seen after a single broker was killed and restarted with its coordinator aborting the
 * transactions that had timed out meanwhile while its own listener was not yet up (docs/reliability.md).
 * Such an abandoned transaction, silent for longer than {@code abandonedAfter}, is aborted, as
 * {@code kafka-transactions.sh abort} would: its coordinator had aborted it already. The same
 * transaction holds the stream threads' and the workers' inputs as well (they read committed
 * records), so the app's own topics are swept for abandoned transactions every minute too.
 */
public final class RestoreStalls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreStalls.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(10);
    private static final Duration ASK_WITHIN = Duration.ofSeconds(10);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(60);

    /** Asks the cluster about partitions. */
    @FunctionalInterface
    public interface Inspector {
        Map<TopicPartition, OpenTransactions.Partition> inspect(Collection<TopicPartition> partitions) throws Exception;
    }

    /** The partitions of the app's own topics, which the sweep looks at. */
    @FunctionalInterface
    public interface AppPartitions {
        Collection<TopicPartition> list() throws Exception;
    }

    /** Ends a transaction on a partition. */
    @FunctionalInterface
    public interface Aborter {
        void abort(TopicPartition partition, OpenTransactions.Open transaction) throws Exception;
    }

    private final RestoreProgress progress;
    private final Inspector inspector;
    private final AppPartitions appPartitions;
    private final Aborter aborter;
    private final Duration stalledAfter;
    private final Duration abandonedAfter;
    private final LongSupplier clockMs;
    private final String bootstrapServers;
    private final Map<TopicPartition, Seen> seen = new HashMap<>();
    private ScheduledExecutorService scheduler;

    /** Where a partition's restore stood when it last moved, and whether its stall was explained. */
    private record Seen(RestoreProgress.Snapshot at, long sinceMs, boolean explained) {}

    /**
     * @param stalledAfter how long a restore may restore nothing before it is looked at
     * @param abandonedAfter how long an abandoned transaction must have been silent to be aborted
     */
    public RestoreStalls(
            final RestoreProgress progress,
            final Inspector inspector,
            final AppPartitions appPartitions,
            final Aborter aborter,
            final Duration stalledAfter,
            final Duration abandonedAfter,
            final LongSupplier clockMs,
            final String bootstrapServers) {
        this.progress = progress;
        this.inspector = inspector;
        this.appPartitions = appPartitions;
        this.aborter = aborter;
        this.stalledAfter = stalledAfter;
        this.abandonedAfter = abandonedAfter;
        this.clockMs = clockMs;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Watches the restores of an instance every 10 s and sweeps the app's topics every minute, asking
     * the cluster through {@code admin}.
     *
     * @param topics whether a topic is one of the app's
     */
    public static RestoreStalls watch(
            final RestoreProgress progress,
            final Admin admin,
            final Predicate<String> topics,
            final String bootstrapServers) {
        final RestoreStalls stalls = new RestoreStalls(
                progress,
                partitions -> OpenTransactions.of(admin, partitions, ASK_WITHIN),
                () -> partitionsOf(admin, topics),
                (partition, transaction) -> OpenTransactions.abort(admin, partition, transaction, ASK_WITHIN),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                System::currentTimeMillis,
                bootstrapServers);
        stalls.scheduler = DaemonScheduler.named("restore-stalls");
        stalls.scheduler.scheduleWithFixedDelay(
                stalls::checkQuietly, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        stalls.scheduler.scheduleWithFixedDelay(
                stalls::sweepQuietly, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return stalls;
    }

    private static List<TopicPartition> partitionsOf(final Admin admin, final Predicate<String> topics)
            throws Exception {
        final List<String> names = admin.listTopics().names().get(ASK_WITHIN.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(topics)
                .sorted()
                .toList();
        return admin
                .describeTopics(names)
                .allTopicNames()
                .get(ASK_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
                .values()
                .stream()
                .flatMap(topic -> topic.partitions().stream()
                        .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                .toList();
    }

    /**
     * Looks at every partition of the app's topics once, and aborts the abandoned transactions
     * silent for longer than {@code abandonedAfter}.
     *
     * @return the lines logged
     */
    public synchronized List<String> sweep() {
        final long now = clockMs.getAsLong();
        final Map<TopicPartition, OpenTransactions.Partition> described;
        try {
            described = inspector.inspect(appPartitions.list());
        } catch (Exception e) {
            keepInterrupt(e);
            LOG.debug("Could not look for abandoned transactions", e);
            return List.of();
        }
        final List<String> lines = new ArrayList<>();
        described.forEach((partition, held) -> lines.addAll(abortAbandoned(partition, held, now)));
        return lines;
    }

    private List<String> abortAbandoned(
            final TopicPartition partition, final OpenTransactions.Partition held, final long now) {
        final List<String> lines = new ArrayList<>();
        for (final OpenTransactions.Open transaction : held.open()) {
            if (transaction.abandoned(partition) && now - transaction.lastWriteMs() >= abandonedAfter.toMillis()) {
                lines.add(abort(partition, transaction));
            }
        }
        return lines;
    }

    /**
     * Looks at the restores once: explains each one that has newly stalled, and aborts the abandoned
     * transactions that hold a stalled one.
     *
     * @return the lines logged
     */
    public synchronized List<String> check() {
        final long now = clockMs.getAsLong();
        final List<RestoreProgress.Snapshot> restoring = progress.restoring();
        final Set<TopicPartition> current =
                restoring.stream().map(RestoreStalls::partition).collect(Collectors.toSet());
        seen.keySet().retainAll(current);
        final List<RestoreProgress.Snapshot> stalled = new ArrayList<>();
        for (final RestoreProgress.Snapshot restore : restoring) {
            final Seen before = seen.get(partition(restore));
            if (before == null || !before.at().equals(restore)) {
                seen.put(partition(restore), new Seen(restore, now, false));
            } else if (now - before.sinceMs() >= stalledAfter.toMillis()) {
                stalled.add(restore);
            }
        }
        if (stalled.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, OpenTransactions.Partition> why;
        String failure = null;
        try {
            why = inspector.inspect(
                    stalled.stream().map(RestoreStalls::partition).toList());
        } catch (Exception e) {
            keepInterrupt(e);
            why = Map.of();
            failure = "Kafka could not be asked why (" + e + ")";
        }
        final List<String> lines = new ArrayList<>();
        for (final RestoreProgress.Snapshot restore : stalled) {
            final TopicPartition partition = partition(restore);
            final Seen before = seen.get(partition);
            final OpenTransactions.Partition held = why.get(partition);
            if (!before.explained()) {
                seen.put(partition, new Seen(restore, before.sinceMs(), true));
                lines.add(warn("Restoring store " + restore.store() + " from " + partition + " has not moved for "
                        + Duration.ofMillis(now - before.sinceMs()).toSeconds() + " s (" + restore.restored() + " of "
                        + (restore.endOffset() - restore.startOffset()) + " records from offset "
                        + restore.startOffset() + "): "
                        + (held == null
                                ? (failure == null ? "Kafka did not describe it" : failure)
                                : held.describe(now, bootstrapServers))));
            }
            if (held != null) {
                for (final OpenTransactions.Open transaction : held.open()) {
                    if (transaction.abandoned(partition)
                            && now - transaction.lastWriteMs() >= abandonedAfter.toMillis()) {
                        lines.add(abort(partition, transaction));
                    }
                }
            }
        }
        return lines;
    }

    private String abort(final TopicPartition partition, final OpenTransactions.Open transaction) {
        final String which = "the abandoned transaction of producer " + transaction.producerId() + " (epoch "
                + transaction.epoch() + ") on " + partition + " from offset " + transaction.startOffset()
                + ", which its coordinator has moved on from (" + transaction.transactionalId() + ": "
                + transaction.coordinator().state() + ", producer "
                + transaction.coordinator().producerId()
                + ", epoch " + transaction.coordinator().producerEpoch() + ")";
        try {
            aborter.abort(partition, transaction);
            return warn("Aborted " + which + ": its partition can be read on past it");
        } catch (Exception e) {
            keepInterrupt(e);
            return warn("Could not abort " + which + ": " + e);
        }
    }

    /** An interrupted call to Kafka leaves the thread interrupted, so that a stop still stops it. */
    private static void keepInterrupt(final Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
    }

    private static String warn(final String line) {
        LOG.warn(line);
        return line;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Could not look for abandoned transactions", e);
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Could not look at the restores", e);
        }
    }

    private static TopicPartition partition(final RestoreProgress.Snapshot restore) {
        return new TopicPartition(restore.topic(), restore.partition());
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
