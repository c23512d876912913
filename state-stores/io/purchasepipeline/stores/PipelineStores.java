package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Product;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builders for every store, from the constant names. All but the order index are persistent
 * (RocksDB) and backed by a compacted changelog, so a task that moves to another instance takes its
 * state with it, and cached: between two commits a key written many times (an order moving through
 * its states, a hot SKU's stock) reaches RocksDB and its changelog once. The order index is made
 * from the orders' store whenever the task starts, so it costs no record.
 */
public final class PipelineStores {

    private PipelineStores() {}

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

    /** The customer's task's orders by placement time, for their retention: {@link OrderExpiry}. */
    public static StoreBuilder<KeyValueStore<String, String>> orderExpiry() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ORDER_EXPIRY), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    /**
     * The customer's task's index of its orders by time (hold expiry, payment retries, the velocity
     * window), in memory and made from the orders' store: no changelog.
     */
    public static StoreBuilder<OrderIndexStore> orderIndex(final Duration velocityWindow) {
        return OrderIndexStore.builder(StoreNames.ORDER_INDEX, velocityWindow);
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
}
