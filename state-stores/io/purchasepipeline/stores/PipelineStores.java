package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Product;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Builders for every store, from the constant names. All are persistent (RocksDB) and backed by a
 * compacted changelog, so a task that moves to another instance takes its state with it. All but
 * the one that keeps duplicates are cached: between two commits a key written many times (an
 * order moving through its states, a hot SKU's stock) reaches RocksDB and its changelog once.
 */
public final class PipelineStores {

    private PipelineStores() {}

    /** One entry per order and customer at the order's time; duplicates kept, so each order counts. */
    public static StoreBuilder<WindowStore<String, String>> customerOrderTimes(final Duration window) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.CUSTOMER_ORDER_TIMES, window.multipliedBy(2), window, true),
                Serdes.String(),
                Serdes.String());
    }

    /** Flagged customers and why, until an operator clears the flag. */
    public static StoreBuilder<KeyValueStore<String, String>> flaggedCustomers() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.FLAGGED_CUSTOMERS), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, Inventory>> inventory() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.INVENTORY),
                        Serdes.String(),
                        JsonSerde.of(Inventory.class))
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, OrderState>> orders() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ORDERS),
                        Serdes.String(),
                        JsonSerde.of(OrderState.class))
                .withCachingEnabled();
    }

    /**
     * The order task's timers, as keys that sort by time: {@link #placedKey} for every order (hold
     * expiry and, after the retention, forgetting the order), {@link #retryKey} for payment
     * operations to ask again, and the cursors up to which each scan has gone ({@link #EXPIRY_CURSOR},
     * {@link #PURGE_CURSOR}), so that no scan wades through what an earlier one deleted. The value is
     * the order id (the cursor's value is the last key scanned).
     */
    public static StoreBuilder<KeyValueStore<String, String>> orderTimers() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ORDER_TIMERS), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<Long, WindowCounts>> analyticsTally(final String name) {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(name), Serdes.Long(), JsonSerde.of(WindowCounts.class))
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<Long, WindowCounts>> analyticsWindows() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ANALYTICS_WINDOWS),
                        Serdes.Long(),
                        JsonSerde.of(WindowCounts.class))
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, AnalyticsSnapshot>> analytics() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ANALYTICS),
                        Serdes.String(),
                        JsonSerde.of(AnalyticsSnapshot.class))
                .withCachingEnabled();
    }

    /** Global: filled from the products topic on every instance; logging off, the topic is its changelog. */
    public static StoreBuilder<KeyValueStore<String, Product>> productCatalog() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.PRODUCT_CATALOG),
                        Serdes.String(),
                        JsonSerde.of(Product.class))
                .withLoggingDisabled();
    }

    public static final String PLACED_PREFIX = "placed|";
    public static final String RETRY_PREFIX = "retry|";
    public static final String EXPIRY_CURSOR = "cursor|expiry";
    public static final String PURGE_CURSOR = "cursor|purge";

    /** Zero-padded so that the store's byte order is time order and a scan is one range. */
    public static String placedKey(final long placedAt, final String orderId) {
        return timeKey(PLACED_PREFIX, placedAt, orderId);
    }

    /** When to ask the gateway again for an order's pending payment operation. */
    public static String retryKey(final long due, final String orderId) {
        return timeKey(RETRY_PREFIX, due, orderId);
    }

    /** The smallest key after every key of {@code prefix} up to {@code time}: the end of a scan. */
    public static String upperBound(final String prefix, final long time) {
        return String.format("%s%019d}", prefix, time);
    }

    /** The first key of {@code prefix}: the start of a scan that has no cursor yet. */
    public static String lowerBound(final String prefix) {
        return prefix;
    }

    private static String timeKey(final String prefix, final long at, final String orderId) {
        return String.format("%s%019d|%s", prefix, Math.max(0, at), orderId);
    }
}
