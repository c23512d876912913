package io.purchasepipeline.instance;

import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The pipeline's Kafka Streams client, whose {@link #metrics()} (what {@code /metrics} exports)
 * leaves out the gauges that read RocksDB's properties (block cache usage, memtable sizes,
 * estimated keys: group {@code stream-state-metrics}, a {@code rocksdb-*} store tag).
 *
 * <p>Those gauges call into the native store when read, and nothing stops a read while the
 * stream thread closes the store (a task moving away, a corrupted task re-initialised after a
 * crash under exactly-once): the read then touches freed memory and the JVM dies with SIGSEGV in
 * {@code rocksdb::DBImpl::GetIntProperty} (KAFKA-10025, open). It happened here to an instance
 * restarted by the chaos bench, the metrics exporter reading the gauges as the restarted
 * instance re-initialised a task. RocksDB's memory is bounded by {@code RocksDbTuning} (one
 * block cache and one write buffer budget per instance) rather than watched per store.
 */
final class PipelineStreams extends KafkaStreams {

    private static final String STATE_GROUP = "stream-state-metrics";

    PipelineStreams(final Topology topology, final Properties props) {
        super(topology, props);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return super.metrics().entrySet().stream()
                .filter(metric -> !readsRocksDb(metric.getKey(), metric.getValue()))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Whether reading this metric calls into a RocksDB store: a gauge (not a sampled sensor) of a RocksDB store. */
    static boolean readsRocksDb(final MetricName name, final Metric metric) {
        return STATE_GROUP.equals(name.group())
                && name.tags().keySet().stream().anyMatch(tag -> tag.startsWith("rocksdb-"))
                && !(metric instanceof KafkaMetric kafka && kafka.isMeasurable());
    }
}
