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

    private PipelineStores() {
    }

    /** Order ids per customer, kept for {@code retention}: a replay inside it is dropped. */
    public static StoreBuilder<WindowStore<String, String>> seenOrders(final Duration retention) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.SEEN_ORDERS, retention, retention, false),
                Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    /** One entry per order and customer at the order's time; duplicates kept, so each order counts. */
    public static StoreBuilder<WindowStore<String, String>> customerOrderTimes(final Duration window) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.CUSTOMER_ORDER_TIMES, window.multipliedBy(2), window, true),
                Serdes.String(), Serdes.String());
    }

    /** Flagged customers and why, until an operator clears the flag. */
    public static StoreBuilder<KeyValueStore<String, String>> flaggedCustomers() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.FLAGGED_CUSTOMERS), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, Inventory>> inventory() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.INVENTORY), Serdes.String(), JsonSerde.of(Inventory.class))
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, Hold>> holds() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.HOLDS), Serdes.String(), JsonSerde.of(Hold.class))
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, OrderState>> orders() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.ORDERS), Serdes.String(), JsonSerde.of(OrderState.class))
                .withCachingEnabled();
    }

    /**
     * Keys {@link #deadlineKey(long, String)} for deadlines, {@link #retryKey(String)} for payments
     * to try again and {@link #purgeKey(long, String)} for ended orders to forget; the value is the
     * order id.
     */
    public static StoreBuilder<KeyValueStore<String, String>> orderTimers() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.ORDER_TIMERS), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<Long, WindowCounts>> analyticsTally() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ANALYTICS_TALLY), Serdes.Long(),
                JsonSerde.of(WindowCounts.class))
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<Long, WindowCounts>> analyticsWindows() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ANALYTICS_WINDOWS), Serdes.Long(),
                JsonSerde.of(WindowCounts.class))
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, AnalyticsSnapshot>> analytics() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ANALYTICS), Serdes.String(),
                JsonSerde.of(AnalyticsSnapshot.class))
                .withCachingEnabled();
    }

    /** Global: filled from the products topic on every instance; logging off, the topic is its changelog. */
    public static StoreBuilder<KeyValueStore<String, Product>> productCatalog() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.PRODUCT_CATALOG), Serdes.String(), JsonSerde.of(Product.class))
                .withLoggingDisabled();
    }

    /** Zero-padded so that the store's byte order is time order and expiry is one range scan. */
    public static String deadlineKey(final long deadline, final String orderId) {
        return String.format("%019d|%s", deadline, orderId);
    }

    /** The smallest key after every deadline up to {@code now}: the end of the expiry range scan. */
    public static String deadlineUpperBound(final long now) {
        return String.format("%019d}", now);
    }

    /** When an ended order is to be forgotten; sorts after every deadline key (letters after digits). */
    public static String purgeKey(final long at, final String orderId) {
        return String.format("%s%019d|%s", PURGE_PREFIX, at, orderId);
    }

    /** The smallest key after every purge key up to {@code now}. */
    public static String purgeUpperBound(final long now) {
        return String.format("%s%019d}", PURGE_PREFIX, now);
    }

    public static final String PURGE_PREFIX = "purge|";

    /** Sorts after every deadline key (letters after digits), so the indexes never mix. */
    public static String retryKey(final String orderId) {
        return RETRY_PREFIX + orderId;
    }

    public static final String RETRY_PREFIX = "retry|";
}
