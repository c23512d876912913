package io.purchasepipeline.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Where the restoration of this instance's active stores stands, per store and changelog partition:
 * registered with {@code KafkaStreams.setGlobalStateRestoreListener}, read by the readiness probe,
 * exported as gauges, and logged once at the start and once at the end of each partition's restore
 * (never per batch: a large store restores in thousands of batches).
 *
 * <p>Kafka Streams calls it from its restoring thread while the probes and the metrics read it from
 * others: every field read outside that thread is atomic.
 */
public final class RestoreProgress implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);

    private final Map<TopicPartition, Restore> restores = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    /** @param registry where the per-partition gauges go (registered when a partition first restores) */
    public RestoreProgress(final MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(
                        "pipeline.restore.partitions.active",
                        this,
                        progress -> progress.restoring().size())
                .description("Changelog partitions this instance is restoring now")
                .register(registry);
        Gauge.builder(
                        "pipeline.restore.records.remaining",
                        this,
                        progress -> progress.restoring().stream()
                                .mapToLong(Snapshot::remaining)
                                .sum())
                .description("Changelog records left to restore before this instance's active stores are ready")
                .register(registry);
    }

    @Override
    public void onRestoreStart(
            final TopicPartition partition, final String store, final long startingOffset, final long endingOffset) {
        final Restore restore = restores.computeIfAbsent(partition, p -> register(new Restore(store, p)));
        restore.begin(startingOffset, endingOffset);
        // an empty changelog (every store of a first start) is no news: dozens of lines before anything useful
        LOG.atLevel(endingOffset > startingOffset ? Level.INFO : Level.DEBUG)
                .log(
                        "Restoring store {} from {}: {} records (offsets {} to {})",
                        store,
                        partition,
                        endingOffset - startingOffset,
                        startingOffset,
                        endingOffset);
    }

    @Override
    public void onBatchRestored(
            final TopicPartition partition, final String store, final long batchEndOffset, final long numRestored) {
        final Restore restore = restores.get(partition);
        if (restore != null) {
            restore.restored.addAndGet(numRestored);
        }
    }

    @Override
    public void onRestoreEnd(final TopicPartition partition, final String store, final long totalRestored) {
        final Restore restore = restores.get(partition);
        if (restore != null) {
            restore.active = false;
            restore.completed = true;
        }
        final long tookMs = restore == null ? 0 : (System.nanoTime() - restore.startedNanos) / 1_000_000;
        LOG.atLevel(totalRestored > 0 ? Level.INFO : Level.DEBUG)
                .log("Restored store {} from {}: {} records in {} ms", store, partition, totalRestored, tookMs);
    }

    /** The task moved to another instance before its store was restored: nothing is restoring here any more. */
    @Override
    public void onRestoreSuspended(final TopicPartition partition, final String store, final long totalRestored) {
        final Restore restore = restores.get(partition);
        if (restore != null) {
            restore.active = false;
        }
        LOG.info(
                "Stopped restoring store {} from {} after {} records: its task moved away",
                store,
                partition,
                totalRestored);
    }

    /** The partitions restoring now, by store and partition. */
    public List<Snapshot> restoring() {
        return restores.values().stream()
                .filter(restore -> restore.active)
                .map(Restore::snapshot)
                .sorted(Comparator.comparing(Snapshot::store)
                        .thenComparing(Snapshot::topic)
                        .thenComparingInt(Snapshot::partition))
                .toList();
    }

    /** Partitions whose restore has ended on this instance since it started. */
    public long completed() {
        return restores.values().stream()
                .filter(restore -> !restore.active && restore.completed)
                .count();
    }

    private Restore register(final Restore restore) {
        Gauge.builder(
                        "pipeline.restore.records.remaining.partition",
                        restore,
                        r -> r.active ? r.snapshot().remaining() : 0)
                .description("Changelog records left to restore, per store and changelog partition")
                .tag("store", restore.store)
                .tag("topic", restore.partition.topic())
                .tag("partition", Integer.toString(restore.partition.partition()))
                .register(registry);
        return restore;
    }

    /** One partition's restore as the probe shows it. */
    public record Snapshot(String store, String topic, int partition, long startOffset, long endOffset, long restored) {
        public long remaining() {
            return Math.max(0, endOffset - startOffset - restored);
        }
    }

    private static final class Restore {
        private final String store;
        private final TopicPartition partition;
        private final AtomicLong restored = new AtomicLong();
        private volatile long start;
        private volatile long end;
        private volatile long startedNanos;
        private volatile boolean active;
        private volatile boolean completed;

        Restore(final String store, final TopicPartition partition) {
            this.store = store;
            this.partition = partition;
        }

        void begin(final long startingOffset, final long endingOffset) {
            start = startingOffset;
            end = endingOffset;
            restored.set(0);
            startedNanos = System.nanoTime();
            active = true;
        }

        Snapshot snapshot() {
            return new Snapshot(store, partition.topic(), partition.partition(), start, end, restored.get());
        }
    }
}
