package io.purchasepipeline.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log why a restore does not move. A changelog partition whose restore has not
 * restored a record for a while is looked at on the cluster ({@link OpenTransactions}): its last
 * stable offset against its high watermark, and the open transactions that hold it, with what their
 * coordinators say of them. Once per stall of a partition, so that a restore stuck for an hour is
 * one WARN line, not 360.
 */
public final class RestoreStalls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreStalls.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(10);

    /** Asks the cluster about partitions. */
    @FunctionalInterface
    public interface Inspector {
        Map<TopicPartition, OpenTransactions.Partition> inspect(Collection<TopicPartition> partitions) throws Exception;
    }

    private final RestoreProgress progress;
    private final Inspector inspector;
    private final Duration stalledAfter;
    private final LongSupplier clockMs;
    private final String bootstrapServers;
    private final Map<TopicPartition, Seen> seen = new HashMap<>();
    private ScheduledExecutorService scheduler;

    /** Where a partition's restore stood when it last moved, and whether its stall was reported. */
    private record Seen(RestoreProgress.Snapshot at, long sinceMs, boolean reported) {}

    public RestoreStalls(
            final RestoreProgress progress,
            final Inspector inspector,
            final Duration stalledAfter,
            final LongSupplier clockMs,
            final String bootstrapServers) {
        this.progress = progress;
        this.inspector = inspector;
        this.stalledAfter = stalledAfter;
        this.clockMs = clockMs;
        this.bootstrapServers = bootstrapServers;
    }

    /** Watches the restores of an instance every 10 s, asking the cluster through {@code admin}. */
    public static RestoreStalls watch(
            final RestoreProgress progress, final Admin admin, final String bootstrapServers) {
        final RestoreStalls stalls = new RestoreStalls(
                progress,
                partitions -> OpenTransactions.of(admin, partitions, Duration.ofSeconds(10)),
                Duration.ofSeconds(30),
                System::currentTimeMillis,
                bootstrapServers);
        stalls.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "restore-stalls");
            thread.setDaemon(true);
            return thread;
        });
        stalls.scheduler.scheduleWithFixedDelay(
                stalls::checkQuietly, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return stalls;
    }

    /**
     * Looks at the restores once, and logs why each one that has newly stalled does not move.
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
            } else if (!before.reported() && now - before.sinceMs() >= stalledAfter.toMillis()) {
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
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            why = Map.of();
            failure = "Kafka could not be asked why (" + e + ")";
        }
        final List<String> lines = new ArrayList<>();
        for (final RestoreProgress.Snapshot restore : stalled) {
            final Seen before = seen.get(partition(restore));
            seen.put(partition(restore), new Seen(restore, before.sinceMs(), true));
            final OpenTransactions.Partition held = why.get(partition(restore));
            final String line = "Restoring store " + restore.store() + " from " + partition(restore)
                    + " has not moved for "
                    + Duration.ofMillis(now - before.sinceMs()).toSeconds() + " s ("
                    + restore.restored() + " of " + (restore.endOffset() - restore.startOffset())
                    + " records from offset " + restore.startOffset() + "): "
                    + (held == null
                            ? (failure == null ? "Kafka did not describe it" : failure)
                            : held.describe(now, bootstrapServers));
            LOG.warn(line);
            lines.add(line);
        }
        return lines;
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
