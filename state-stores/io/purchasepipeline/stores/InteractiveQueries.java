package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.RoutableOrderId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Finds a key's value in a key-value store of the application: here, on the instance that owns the
 * key, or on a warm standby whose lag is within a bound. Waits are bounded: a store that stays
 * unavailable gives {@link QueryResult.Unavailable}, never a spin.
 *
 * <p>Only the owner of a key's partition says a key does not exist, and only from a store it is
 * running. What may be out of date in a rebalance never turns into "not found": the key's partition
 * is computed from the store's real partition count ({@link StorePartitions}), not from the group's
 * view of who owns what, which can leave partitions out while they move (KAFKA-20887, under the
 * streams rebalance protocol); a partition with no live owner, a store not running here, a copy that
 * may be behind are {@link QueryResult.Unavailable}.
 */
public final class InteractiveQueries {

    private static final List<Duration> BACKOFF =
            List.of(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300));

    private final LocalStreams streams;
    private final HostInfo self;
    private final long maxStandbyLag;
    private final StorePartitions partitions;

    /**
     * @param self this instance's {@code application.server}
     * @param maxStandbyLag how many records a standby may be behind and still answer
     * @param partitions each store's partition count
     */
    public InteractiveQueries(
            final KafkaStreams streams,
            final HostInfo self,
            final long maxStandbyLag,
            final StorePartitions partitions) {
        this(LocalStreams.of(streams), self, maxStandbyLag, partitions);
    }

    /** The same, over {@code streams}' view of the group and its stores. */
    public InteractiveQueries(
            final LocalStreams streams,
            final HostInfo self,
            final long maxStandbyLag,
            final StorePartitions partitions) {
        this.streams = streams;
        this.self = self;
        this.maxStandbyLag = maxStandbyLag;
        this.partitions = partitions;
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

    /**
     * The partition of {@code store} among {@code count} that keeps {@code key}. An order is kept in
     * its customer's task, so the {@link StoreNames#ORDERS} store is keyed by order id but
     * partitioned by customer: its keys find their partition from the hash the id carries
     * ({@link RoutableOrderId}). Every other store is partitioned by its key, as Kafka's default
     * partitioner places a string key.
     */
    static OptionalInt partition(final String store, final String key, final int count) {
        if (StoreNames.ORDERS.equals(store)) {
            return RoutableOrderId.partition(key, count);
        }
        return OptionalInt.of(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % count);
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

    /**
     * The instances that keep a standby copy of the key's partition (to ask when the owner is gone),
     * also when the partition has no live owner now.
     */
    public List<HostInfo> standbys(final String store, final String key) {
        final OptionalInt partition = partition(store, key);
        if (partition.isEmpty()) {
            return List.of();
        }
        final Placement placement = placement(store, key, partition.getAsInt());
        return placement == null ? List.of() : List.copyOf(placement.standbys());
    }

    /**
     * This instance's copy of the key's partition, active or standby, if it is within the lag bound:
     * for when the active owner cannot answer (it died, the group is rebalancing). A key the copy
     * does not have is {@link QueryResult.Unavailable}, not {@link QueryResult.NotFound}. Needs no
     * view of the group: the partition is the key's, the copy this instance's.
     */
    public <V> QueryResult<V> getStandby(final String store, final String key) {
        final OptionalInt known = partition(store, key);
        if (known.isEmpty()) {
            return new QueryResult.Unavailable<>("the partitions of " + store + " are not known yet");
        }
        final int partition = known.getAsInt();
        final OptionalLong lag;
        try {
            lag = streams.lag(store, partition);
        } catch (IllegalStateException | StreamsException e) {
            // not running, or the changelogs' end offsets could not be read: nothing says how far behind
            return new QueryResult.Unavailable<>(
                    "the lag of this copy of " + store + " is not known: " + e.getMessage());
        }
        if (lag.isEmpty()) {
            return new QueryResult.Unavailable<>("no copy of " + store + " partition " + partition + " here");
        }
        if (lag.getAsLong() > maxStandbyLag) {
            return new QueryResult.Unavailable<>(
                    "copy of " + store + " partition " + partition + " is " + lag.getAsLong() + " records behind");
        }
        final QueryResult<V> copy = read(store, key, partition, true);
        // a copy may be behind, or just assigned and still empty: only the active owner can say a key
        // does not exist
        return copy instanceof QueryResult.NotFound<V>
                ? new QueryResult.Unavailable<>("no " + key + " in this copy of " + store + ", which may be behind")
                : copy;
    }

    private <V> QueryResult<V> tryActive(final String store, final String key) {
        final OptionalInt partition = partition(store, key);
        if (partition.isEmpty()) {
            return new QueryResult.Unavailable<>("the partitions of " + store + " are not known yet");
        }
        final Placement placement = placement(store, key, partition.getAsInt());
        if (placement == null) {
            return new QueryResult.Unavailable<>("the group is rebalancing");
        }
        if (placement.active() == null) {
            return new QueryResult.Unavailable<>(
                    "partition " + placement.partition() + " of " + store + " has no live owner now");
        }
        if (!self.equals(placement.active())) {
            return new QueryResult.Elsewhere<>(placement.active());
        }
        return read(store, key, placement.partition(), false);
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

    /** The key's partition among the store's real partitions; empty when their count is not known yet. */
    private OptionalInt partition(final String store, final String key) {
        final OptionalInt count = partitions.count(store);
        return count.isEmpty() ? OptionalInt.empty() : partition(store, key, count.getAsInt());
    }

    /** Who keeps a key's partition: its active owner (null when none is live) and its standbys. */
    private record Placement(int partition, HostInfo active, Set<HostInfo> standbys) {}

    /**
     * Who keeps {@code partition} of {@code store}, as this instance sees the group; null when it
     * sees nothing yet (not running, or before its first assignment). Kafka Streams is asked about
     * the partition computed here: the partition count it would pass to a partitioner is the one of
     * its view of the group, which a rebalance can make smaller than the real one.
     */
    private Placement placement(final String store, final String key, final int partition) {
        final KeyQueryMetadata metadata;
        try {
            metadata = streams.metadata(
                    store, key, (topic, ignoredKey, value, ignoredCount) -> Optional.of(Set.of(partition)));
        } catch (IllegalStateException e) {
            return null;
        }
        if (metadata == null || Objects.equals(metadata, KeyQueryMetadata.NOT_AVAILABLE)) {
            return null;
        }
        final HostInfo active = metadata.activeHost();
        return new Placement(
                partition, active == null || active.port() < 0 ? null : active, Set.copyOf(metadata.standbyHosts()));
    }
}
