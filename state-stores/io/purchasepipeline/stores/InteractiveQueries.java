package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.RoutableOrderId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
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
    private static final List<Duration> BACKOFF =
            List.of(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300));

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

    /**
     * Each key's answer from its active owner, without waiting: found or not found here, the
     * instance to ask, or unavailable now. For a listing of many keys, which asks each owner once
     * for all of its keys instead of once per key.
     */
    public <V> Map<String, QueryResult<V>> getEach(final String store, final Collection<String> keys) {
        final Map<String, QueryResult<V>> results = new LinkedHashMap<>();
        for (final String key : keys) {
            results.put(key, addressable(store, key) ? tryActive(store, key) : new QueryResult.NotFound<>());
        }
        return results;
    }

    /**
     * Up to {@code limit} entries of the global store {@code store} in key order, from just after
     * {@code after} (null: from the start), whose key starts with {@code prefix} and whose value
     * {@code matches}. At most {@code maxScanned} entries are looked at, so a filter that matches
     * little costs no more than a bounded read; {@link StorePage#next()} says where to go on.
     *
     * @throws InvalidStateStoreException when the global store cannot be read now (still restoring)
     */
    public <V> StorePage<V> globalPage(
            final String store,
            final String prefix,
            final String after,
            final Predicate<V> matches,
            final int limit,
            final int maxScanned) {
        final ReadOnlyKeyValueStore<String, V> global = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()));
        final String from = after == null || after.compareTo(prefix) < 0 ? prefix : after;
        // keys are ASCII (SKUs): every key with the prefix sorts below the prefix followed by U+FFFF
        final String to = prefix.isEmpty() ? null : prefix + '\uffff';
        final List<KeyValue<String, V>> entries = new ArrayList<>();
        String last = null;
        int scanned = 0;
        try (KeyValueIterator<String, V> range = global.range(from.isEmpty() ? null : from, to)) {
            while (range.hasNext() && entries.size() < limit && scanned < maxScanned) {
                final KeyValue<String, V> entry = range.next();
                if (entry.key.equals(after)) {
                    continue;
                }
                scanned++;
                last = entry.key;
                if (matches.test(entry.value)) {
                    entries.add(entry);
                }
            }
            return new StorePage<>(entries, range.hasNext() ? last : null);
        }
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
            return new QueryResult.Unavailable<>(
                    "no copy of " + store + " partition " + metadata.partition() + " here");
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
            StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> parameters = StoreQueryParameters.fromNameAndType(
                            store, QueryableStoreTypes.<String, V>keyValueStore())
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
        if (metadata == null
                || Objects.equals(metadata, KeyQueryMetadata.NOT_AVAILABLE)
                || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return null;
        }
        return metadata;
    }
}
