package io.purchasepipeline.stores;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import java.math.BigDecimal;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class OrderExpiryTest {

    private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
    private final KeyValueStore<String, String> keys = store(StoreNames.ORDER_EXPIRY);

    private <V> KeyValueStore<String, V> store(final String name) {
        @SuppressWarnings("unchecked")
        final KeyValueStore<String, V> store = (KeyValueStore<String, V>) (KeyValueStore<String, ?>)
                (StoreNames.ORDERS.equals(name)
                        ? Stores.keyValueStoreBuilder(
                                        Stores.inMemoryKeyValueStore(name),
                                        Serdes.String(),
                                        JsonSerde.of(OrderState.class))
                                .withLoggingDisabled()
                                .build()
                        : Stores.keyValueStoreBuilder(
                                        Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String())
                                .withLoggingDisabled()
                                .build());
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static OrderState order(final String orderId, final long placedAt) {
        final Order order =
                new Order(orderId, "c-" + orderId, "Ann", "ann@example.com", List.of(new OrderLine("book", 1)), null);
        return new OrderState(
                order,
                List.of(),
                List.of(),
                BigDecimal.ONE,
                placedAt,
                null,
                null,
                List.of(new OrderState.Step(OrderStatus.RESERVING, placedAt, null)),
                null,
                null);
    }

    @Test
    void takesTheOrdersPlacedUpToATimeOldestFirstAtMostABatch() {
        final OrderExpiry expiry = new OrderExpiry(keys);
        expiry.placed(order("late", 3_000));
        expiry.placed(order("b", 1_000));
        expiry.placed(order("a", 1_000));
        expiry.placed(order("first", 10));

        assertThat(expiry.takePlacedUpTo(1_000, 2)).containsExactly("first", "a");
        assertThat(expiry.takePlacedUpTo(1_000, 2)).containsExactly("b");
        assertThat(expiry.takePlacedUpTo(2_999, 2)).isEmpty();
        // a clock set back: an order placed before the ones already taken is taken all the same
        expiry.placed(order("back", 500));
        assertThat(expiry.takePlacedUpTo(3_000, 5)).containsExactly("back", "late");
        assertThat(expiry.takePlacedUpTo(Long.MAX_VALUE / 2, 5)).isEmpty();
    }

    @Test
    void indexesTheOrdersOfAStoreWrittenWithoutItABatchAtATimeThenMarksItDone() {
        final KeyValueStore<String, OrderState> orders = store(StoreNames.ORDERS);
        for (int i = 0; i < 5; i++) {
            orders.put("o-" + i, order("o-" + i, 100 + i));
        }
        final OrderExpiry expiry = new OrderExpiry(keys);

        expiry.backfill(orders, 2);
        expiry.backfill(orders, 2);
        assertThat(expiry.indexed()).isFalse();
        expiry.backfill(orders, 2);

        assertThat(expiry.indexed()).isTrue();
        assertThat(new OrderExpiry(keys).indexed())
                .as("the marker outlives the task")
                .isTrue();
        assertThat(expiry.takePlacedUpTo(104, 10)).isEqualTo(List.of("o-0", "o-1", "o-2", "o-3", "o-4"));
    }
}
