package io.purchasepipeline.stores;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * What the queries ask of this instance's Kafka Streams app. One seam, so that what the app says in
 * the middle of a rebalance (a partial view of the group, a copy still restoring) can be played in a
 * test without a group.
 */
public interface LocalStreams {

    /** Who keeps the partition {@code partitioner} names for {@code key}, as this instance sees the group. */
    KeyQueryMetadata metadata(String store, String key, StreamPartitioner<String, Object> partitioner);

    /**
     * How many records this instance's copy (active or standby) of the store's partition is behind,
     * empty when it keeps none.
     */
    OptionalLong lag(String store, int partition);

    <T> T store(StoreQueryParameters<T> parameters);

    static LocalStreams of(final KafkaStreams streams) {
        return new LocalStreams() {
            @Override
            public KeyQueryMetadata metadata(
                    final String store, final String key, final StreamPartitioner<String, Object> partitioner) {
                return streams.queryMetadataForKey(store, key, partitioner);
            }

            @Override
            public OptionalLong lag(final String store, final int partition) {
                final Map<Integer, LagInfo> lags =
                        streams.allLocalStorePartitionLags().get(store);
                final LagInfo lag = lags == null ? null : lags.get(partition);
                return lag == null ? OptionalLong.empty() : OptionalLong.of(lag.offsetLag());
            }

            @Override
            public <T> T store(final StoreQueryParameters<T> parameters) {
                return streams.store(parameters);
            }
        };
    }
}
