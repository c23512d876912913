package io.purchasepipeline.stores;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A Kafka Streams app as queries see it in a rebalance: its view of the group (which may pass a
 * partitioner fewer partitions than there are), its running stores and its copies.
 */
public final class RebalancingStreams implements LocalStreams {

    /** The partition count Kafka Streams passes a partitioner: that of its view of the group. */
    int viewedPartitions;
    /** Before the first assignment, or not running: no view at all. */
    boolean noView;
    /** What reading the copies' lags throws, if anything. */
    RuntimeException lagFailure;

    private final Map<Integer, HostInfo> owners = new HashMap<>();
    private final Map<Integer, HostInfo> standbys = new HashMap<>();
    private final Map<Integer, Long> lags = new HashMap<>();
    private final Map<Integer, Map<String, Object>> running = new HashMap<>();
    private final Map<Integer, Map<String, Object>> copies = new HashMap<>();

    /** With {@code partitions} partitions, all in this instance's view of the group. */
    public RebalancingStreams(final int partitions) {
        this.viewedPartitions = partitions;
    }

    public RebalancingStreams owner(final int partition, final HostInfo host) {
        owners.put(partition, host);
        return this;
    }

    public RebalancingStreams standby(final int partition, final HostInfo host) {
        standbys.put(partition, host);
        return this;
    }

    /** An active store of this instance, restored and running, with {@code keysAndValues}. */
    public RebalancingStreams running(final int partition, final Object... keysAndValues) {
        copy(partition, 0, keysAndValues);
        running.put(partition, copies.get(partition));
        return this;
    }

    /** A copy of this instance, standby or active, {@code lag} records behind, with {@code keysAndValues}. */
    public RebalancingStreams copy(final int partition, final long lag, final Object... keysAndValues) {
        lags.put(partition, lag);
        final Map<String, Object> copy = copies.computeIfAbsent(partition, p -> new HashMap<>());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            copy.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return this;
    }

    @Override
    public KeyQueryMetadata metadata(
            final String store, final String key, final StreamPartitioner<String, Object> partitioner) {
        if (noView) {
            return KeyQueryMetadata.NOT_AVAILABLE;
        }
        final int partition = partitioner
                .partitions("source", key, null, viewedPartitions)
                .orElseThrow()
                .iterator()
                .next();
        final HostInfo standby = standbys.get(partition);
        return new KeyQueryMetadata(
                owners.getOrDefault(partition, HostInfo.unavailable()),
                standby == null ? Set.of() : Set.of(standby),
                partition);
    }

    @Override
    public OptionalLong lag(final String store, final int partition) {
        if (lagFailure != null) {
            throw lagFailure;
        }
        final Long lag = lags.get(partition);
        return lag == null ? OptionalLong.empty() : OptionalLong.of(lag);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T store(final StoreQueryParameters<T> parameters) {
        final Integer partition = parameters.partition();
        final Map<String, Object> data = (parameters.staleStoresEnabled() ? copies : running).get(partition);
        if (data == null) {
            throw new InvalidStateStoreException("The specified partition " + partition + " for store "
                    + parameters.storeName() + " does not exist.");
        }
        return (T) new MapStore(data);
    }

    private record MapStore(Map<String, Object> data) implements ReadOnlyKeyValueStore<String, Object> {

        @Override
        public Object get(final String key) {
            return data.get(key);
        }

        @Override
        public KeyValueIterator<String, Object> range(final String from, final String to) {
            throw new UnsupportedOperationException("queries of one key only");
        }

        @Override
        public KeyValueIterator<String, Object> all() {
            throw new UnsupportedOperationException("queries of one key only");
        }

        @Override
        public long approximateNumEntries() {
            return data.size();
        }
    }
}
