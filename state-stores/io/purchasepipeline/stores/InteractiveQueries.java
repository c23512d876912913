package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.RoutableOrderId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Finds a key's value in a key-value store of the application: here, on the instance that owns the
 * key, or on a warm standby whose lag is within a bound. Waits are bounded: a store that stays
 * unavailable gives {@link QueryResult.Unavailable}, never a spin.
 */
public final class InteractiveQueries {

    private static final StreamPartitioner<String, Object> ORDER_PARTITIONER = (topic, orderId, value, partitions) -> {
        final OptionalInt partition = RoutableOrderId.partition(orderId, partitions);
        return partition.isPresent() ? Optional.of(Set.of(partition.getAsInt())) : Optional.empty();
    };
    private static final List<Duration> BACKOFF = List.of(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300));

    private final KafkaStreams streams;
    private final HostInfo self;
    private final long maxStandbyLag;

    /**
     * @param self this instance's {@code application.server}
     * @param maxStandbyLag how many records a standby may be behind and still answer
     */
    public InteractiveQueries(final KafkaStreams streams, final HostInfo self, final long maxStandbyLag) {
        this.streams = streams;
        this.self = self;
        this.maxStandbyLag = maxStandbyLag;
    }

    public HostInfo self() {
        return self;
    }

    /**
     * Whether {@code key} can be a key of {@code store} at all: an order id without its customer's
     * hash cannot have been placed through this pipeline's intake, and no partition would be right.
     */
    public static boolean addressable(final String store, final String key) {
        return !StoreNames.ORDERS.equals(store) || RoutableOrderId.routable(key);
    }

    /** The active owner's answer: here, or where to ask. */
    public <V> QueryResult<V> get(final String store, final String key) throws InterruptedException {
        QueryResult<V> result = null;
        for (final Duration pause : BACKOFF) {
            result = tryActive(store, key);
            if (!(result instanceof QueryResult.Unavailable<V>)) {
                return result;
            }
            Thread.sleep(pause.toMillis());
        }
        return result;
    }

    /** This instance's answer if it owns the key now, else null; never waits (for metrics). */
    public <V> V getIfLocal(final String store, final String key) {
        final QueryResult<V> result = tryActive(store, key);
        return result instanceof QueryResult.Found<V> found ? found.value() : null;
    }

    /** The instances that keep a standby copy of the key's partition (to ask when the owner is gone). */
    public List<HostInfo> standbys(final String store, final String key) {
        final KeyQueryMetadata metadata = metadata(store, key);
        return metadata == null ? List.of() : List.copyOf(metadata.standbyHosts());
    }

    /**
     * This instance's copy of the key's partition, active or standby, if it is within the lag bound:
     * for when the active owner cannot answer (it died, the group is rebalancing). A key the copy
     * does not have is {@link QueryResult.Unavailable}, not {@link QueryResult.NotFound}.
     */
    public <V> QueryResult<V> getStandby(final String store, final String key) {
        final KeyQueryMetadata metadata = metadata(store, key);
        if (metadata == null) {
            return new QueryResult.Unavailable<>("no metadata for " + store + " yet");
        }
        final Map<Integer, LagInfo> lags;
        try {
            lags = streams.allLocalStorePartitionLags().get(store);
        } catch (IllegalStateException e) {
            return new QueryResult.Unavailable<>("this instance is not running");
        }
        final LagInfo lag = lags == null ? null : lags.get(metadata.partition());
        if (lag == null) {
            return new QueryResult.Unavailable<>("no copy of " + store + " partition " + metadata.partition() + " here");
        }
        if (lag.offsetLag() > maxStandbyLag) {
            return new QueryResult.Unavailable<>("copy of " + store + " partition " + metadata.partition() + " is "
                    + lag.offsetLag() + " records behind");
        }
        final QueryResult<V> copy = read(store, key, metadata.partition(), true);
        // a copy may be behind, or just assigned and still empty: only the active owner can say a key
        // does not exist
        return copy instanceof QueryResult.NotFound<V>
                ? new QueryResult.Unavailable<>("no " + key + " in this copy of " + store + ", which may be behind")
                : copy;
    }

    private <V> QueryResult<V> tryActive(final String store, final String key) {
        final KeyQueryMetadata metadata = metadata(store, key);
        if (metadata == null) {
            return new QueryResult.Unavailable<>("the group is rebalancing");
        }
        if (!self.equals(metadata.activeHost())) {
            return new QueryResult.Elsewhere<>(metadata.activeHost());
        }
        return read(store, key, metadata.partition(), false);
    }

    private <V> QueryResult<V> read(final String store, final String key, final int partition, final boolean stale) {
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> parameters =
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore())
                            .withPartition(partition);
            if (stale) {
                parameters = parameters.enableStaleStores();
            }
            final V value = streams.store(parameters).get(key);
            return value == null ? new QueryResult.NotFound<>() : new QueryResult.Found<>(value);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            return new QueryResult.Unavailable<>(e.getMessage());
        }
    }

    /**
     * Null when nobody can say who owns the key now (rebalancing, or this instance is not running).
     * An order is kept in its customer's task, so the {@link StoreNames#ORDERS} store is keyed by
     * order id but partitioned by customer: its keys find their partition from the hash the id
     * carries ({@link RoutableOrderId}), over the real partition count Kafka Streams passes in.
     */
    private KeyQueryMetadata metadata(final String store, final String key) {
        final KeyQueryMetadata metadata;
        try {
            metadata = StoreNames.ORDERS.equals(store)
                    ? streams.queryMetadataForKey(store, key, ORDER_PARTITIONER)
                    : streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        } catch (IllegalStateException e) {
            return null;
        }
        if (metadata == null || Objects.equals(metadata, KeyQueryMetadata.NOT_AVAILABLE)
                || metadata.activeHost() == null || metadata.activeHost().port() < 0) {
            return null;
        }
        return metadata;
    }
}
