package io.purchasepipeline.bench;

import io.purchasepipeline.runtime.StreamsSettings;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** What bounds an order's latency from below: its exactly-once hops and the shipped commit interval. */
final class OrderPath {

    /**
     * The hops of the order's path before it was redesigned to live with its customer: intake and
     * fraud check (by customer) → the order's owner (by order id) → each SKU → the owner again.
     */
    static final int HOPS_BEFORE_REDESIGN = 4;

    private OrderPath() {}

    /**
     * The exactly-once commit boundaries from placed to terminal: the topology's
     * {@code ORDER_PATH_HOPS} where it declares them, else {@link #HOPS_BEFORE_REDESIGN}. Read by
     * name so that this bench builds against the topology before and after the redesign.
     */
    static int hops() {
        try {
            return Class.forName("io.purchasepipeline.topology.PurchaseTopology")
                    .getField("ORDER_PATH_HOPS")
                    .getInt(null);
        } catch (ReflectiveOperationException e) {
            return HOPS_BEFORE_REDESIGN;
        }
    }

    /** The commit interval the application ships with (Kafka Streams' exactly-once default unless the settings set one). */
    static long commitIntervalMs() {
        return new StreamsConfig(StreamsSettings.of("127.0.0.1:9", Path.of("state"), Map.of()))
                .getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    }
}
