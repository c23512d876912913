package io.purchasepipeline.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class RoutableOrderIdTest {

    @Test
    void anOrderIdNamesThePartitionKafkaGivesItsCustomer() {
        for (int i = 0; i < 500; i++) {
            final String customer = "customer-" + i;
            final String orderId = RoutableOrderId.random(customer);
            for (final int partitions : new int[] {1, 3, 6, 7, 48}) {
                assertThat(RoutableOrderId.partition(orderId, partitions))
                        .as("%s over %d partitions", orderId, partitions)
                        .hasValue(BuiltInPartitioner.partitionForKey(
                                customer.getBytes(StandardCharsets.UTF_8), partitions));
            }
            assertThat(RoutableOrderId.belongsTo(orderId, customer)).isTrue();
            assertThat(RoutableOrderId.belongsTo(orderId, customer + "x")).isFalse();
        }
    }

    @Test
    void theSameBaseAndCustomerMakeTheSameIdAndTheBaseComesBack() {
        final String base = UUID.randomUUID().toString();

        final String id = RoutableOrderId.of(base, "alice");

        assertThat(RoutableOrderId.of(base, "alice")).isEqualTo(id);
        assertThat(RoutableOrderId.base(id)).isEqualTo(base);
        assertThat(id).matches("[0-9a-f-]{36}-[0-9a-f]{8}");
    }

    @Test
    void aCustomersIdempotencyKeyNamesOneOrderRoutedToThatCustomer() {
        final String id = RoutableOrderId.keyed("alice", "cart-17");

        assertThat(RoutableOrderId.keyed("alice", "cart-17")).isEqualTo(id);
        assertThat(RoutableOrderId.keyed("alice", "cart-18")).isNotEqualTo(id);
        assertThat(RoutableOrderId.keyed("bob", "cart-17")).isNotEqualTo(id);
        assertThat(RoutableOrderId.belongsTo(id, "alice")).isTrue();
        assertThat(RoutableOrderId.base(id))
                .isEqualTo(UUID.nameUUIDFromBytes("order/alice/cart-17".getBytes(StandardCharsets.UTF_8))
                        .toString());
    }

    @Test
    void anIdWithoutTheSuffixNamesNoPartition() {
        assertThat(RoutableOrderId.partition(UUID.randomUUID().toString(), 6)).isEmpty();
        assertThat(RoutableOrderId.partition("o-1", 6)).isEmpty();
        assertThat(RoutableOrderId.partition(null, 6)).isEmpty();
        assertThat(RoutableOrderId.base("o-1")).isEqualTo("o-1");
    }
}
