package io.purchasepipeline.stores;

import java.util.OptionalInt;
import org.apache.kafka.clients.admin.Admin;

/**
 * How many partitions a store has: one per task that keeps a part of it. A key's partition is
 * computed from this count, never from the group's view of who owns what, which in the middle of a
 * rebalance may leave partitions out.
 */
@FunctionalInterface
public interface StorePartitions {

    /** The store's partition count, or empty when it cannot be known now. */
    OptionalInt count(String store);

    /** From the broker, each store's changelog topic's: asked once per store, when first needed. */
    static StorePartitions ofChangelogs(final Admin admin, final String applicationId) {
        return new ChangelogPartitions(admin, applicationId);
    }
}
