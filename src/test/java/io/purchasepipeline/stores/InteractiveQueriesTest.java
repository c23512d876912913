package io.purchasepipeline.stores;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.RoutableOrderId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * What a query answers while the group's view is partial or out of date: a known key gets its
 * value, the instance to ask, or "unavailable now", never "not found" from a store that is not the
 * key's.
 */
class InteractiveQueriesTest {

    private static final HostInfo HERE = new HostInfo("127.0.0.1", 8081);
    private static final HostInfo OTHER = new HostInfo("127.0.0.1", 8082);
    private static final int PARTITIONS = 4;

    private final RebalancingStreams streams = new RebalancingStreams(PARTITIONS);
    private final InteractiveQueries queries =
            new InteractiveQueries(streams, HERE, 100, store -> OptionalInt.of(PARTITIONS));

    @Test
    void aKeyIsRoutedByTheStoresPartitionCountWhileTheGroupsViewLeavesAPartitionOut() throws Exception {
        // partition 3 is moving: the group's view has partitions 0-2 only, so a partitioner Kafka
        // Streams asks is told of 3 partitions
        streams.viewedPartitions = 3;
        streams.owner(0, HERE).owner(1, OTHER).owner(2, HERE);
        streams.running(0).running(2);
        final String moving = sku(p -> p == 3, p -> p != 1);
        final String otherOwners = sku(p -> p == 1, p -> p != 1);

        assertThat(queries.<String>get(StoreNames.INVENTORY, moving))
                .isEqualTo(new QueryResult.Unavailable<>("partition 3 of inventory has no live owner now"));
        assertThat(queries.<String>get(StoreNames.INVENTORY, otherOwners))
                .isEqualTo(new QueryResult.Elsewhere<>(OTHER));
    }

    @Test
    void anOrderIsRoutedByItsCustomersPartitionWhileTheGroupsViewLeavesAPartitionOut() throws Exception {
        streams.viewedPartitions = 3;
        streams.owner(0, HERE).owner(1, OTHER).owner(2, HERE);
        streams.running(0).running(2);
        final String customer = customer(p -> p == 3, p -> p != 1);
        final String order = RoutableOrderId.random(customer);

        assertThat(queries.<String>get(StoreNames.ORDERS, order))
                .isEqualTo(new QueryResult.Unavailable<>("partition 3 of order-status has no live owner now"));
    }

    @Test
    void theOwnerSaysWhetherAKeyExists() throws Exception {
        streams.owner(0, HERE).owner(1, HERE).owner(2, HERE).owner(3, HERE);
        final String sku = sku(p -> p == 2, p -> true);
        streams.running(2, sku, "lamp");

        assertThat(queries.<String>get(StoreNames.INVENTORY, sku)).isEqualTo(new QueryResult.Found<>("lamp"));
        assertThat(queries.<String>get(StoreNames.INVENTORY, sku(p -> p == 2, p -> true, sku)))
                .isEqualTo(new QueryResult.NotFound<>());
    }

    @Test
    void aPartitionWithNoLiveOwnerStillNamesItsStandbys() throws Exception {
        streams.owner(0, HERE).owner(1, HERE).owner(2, HERE);
        streams.standby(3, OTHER);
        final String sku = sku(p -> p == 3, p -> true);

        assertThat(queries.<String>get(StoreNames.INVENTORY, sku)).isInstanceOf(QueryResult.Unavailable.class);
        assertThat(queries.standbys(StoreNames.INVENTORY, sku)).containsExactly(OTHER);
    }

    @Test
    void aCopyWithinTheLagBoundAnswersWithoutAnyViewOfTheGroup() throws Exception {
        streams.noView = true;
        final String sku = sku(p -> p == 1, p -> true);
        streams.copy(1, 100, sku, "lamp");

        assertThat(queries.<String>getStandby(StoreNames.INVENTORY, sku)).isEqualTo(new QueryResult.Found<>("lamp"));
        assertThat(queries.<String>get(StoreNames.INVENTORY, sku))
                .isEqualTo(new QueryResult.Unavailable<>("the group is rebalancing"));
        assertThat(queries.standbys(StoreNames.INVENTORY, sku)).isEmpty();
    }

    @Test
    void aCopyThatMayBeBehindNeverSaysAKeyDoesNotExist() {
        final String sku = sku(p -> p == 1, p -> true);
        streams.copy(1, 0, "another-sku", "lamp");

        assertThat(queries.<String>getStandby(StoreNames.INVENTORY, sku)).isInstanceOf(QueryResult.Unavailable.class);
    }

    @Test
    void aCopyTooFarBehindOrNotHereDoesNotAnswer() {
        final String sku = sku(p -> p == 1, p -> true);
        streams.copy(1, 101, sku, "lamp");

        assertThat(queries.<String>getStandby(StoreNames.INVENTORY, sku))
                .isEqualTo(new QueryResult.Unavailable<>("copy of inventory partition 1 is 101 records behind"));
        assertThat(queries.<String>getStandby(StoreNames.INVENTORY, sku(p -> p == 2, p -> true)))
                .isEqualTo(new QueryResult.Unavailable<>("no copy of inventory partition 2 here"));
    }

    @Test
    void aCopyWhoseLagCannotBeReadIsUnavailableNotAFailure() {
        final String sku = sku(p -> p == 1, p -> true);
        streams.copy(1, 0, sku, "lamp");
        streams.lagFailure = new StreamsException("Unable to obtain end offsets from kafka");

        assertThat(queries.<String>getStandby(StoreNames.INVENTORY, sku)).isInstanceOf(QueryResult.Unavailable.class);
    }

    @Test
    void aStoreWhosePartitionCountIsNotKnownYetIsUnavailable() throws Exception {
        streams.owner(0, HERE).owner(1, HERE).owner(2, HERE).owner(3, HERE);
        final InteractiveQueries early = new InteractiveQueries(streams, HERE, 100, store -> OptionalInt.empty());

        assertThat(early.<String>get(StoreNames.INVENTORY, "lamp")).isInstanceOf(QueryResult.Unavailable.class);
        assertThat(early.<String>getStandby(StoreNames.INVENTORY, "lamp")).isInstanceOf(QueryResult.Unavailable.class);
        assertThat(early.standbys(StoreNames.INVENTORY, "lamp")).isEmpty();
    }

    @Test
    void keysFindThePartitionTheirRecordsAreWrittenTo() {
        for (int i = 0; i < 500; i++) {
            final String key = UUID.randomUUID().toString();
            final String order = RoutableOrderId.random(key);
            for (final int count : new int[] {1, 3, 4, 6, 48}) {
                final int producers = BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), count);
                assertThat(InteractiveQueries.partition(StoreNames.INVENTORY, key, count))
                        .as("SKU %s over %d", key, count)
                        .hasValue(producers);
                assertThat(InteractiveQueries.partition(StoreNames.ORDERS, order, count))
                        .as("order %s of customer %s over %d", order, key, count)
                        .hasValue(producers);
            }
        }
    }

    /**
     * The first key (but {@code not}) whose partitions among the real count and among 3 (the group's
     * partial view) pass {@code real} and {@code viewed}.
     */
    private static String sku(final IntPredicate real, final IntPredicate viewed, final String... not) {
        for (int i = 0; ; i++) {
            final String key = "sku-" + i;
            final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            if (real.test(BuiltInPartitioner.partitionForKey(bytes, PARTITIONS))
                    && viewed.test(BuiltInPartitioner.partitionForKey(bytes, 3))
                    && !List.of(not).contains(key)) {
                return key;
            }
        }
    }

    private static String customer(final IntPredicate real, final IntPredicate viewed) {
        return sku(real, viewed);
    }
}
