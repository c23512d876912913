package io.purchasepipeline.stores;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderIndexTest {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void countsTheCustomersOwnOrdersInsideTheWindowEndingAtEachOrder() {
        final OrderIndex index = new OrderIndex(WINDOW);

        assertThat(index.countOrder("alice", "a1", T0)).isEqualTo(1);
        assertThat(index.countOrder("bob", "b1", T0 + 1)).isEqualTo(1);
        assertThat(index.countOrder("alice", "a2", T0 + 30_000)).isEqualTo(2);
        assertThat(index.countOrder("alice", "a3", T0 + 59_999)).isEqualTo(3);
        // a1 is a whole window before a4
        assertThat(index.countOrder("alice", "a4", T0 + 60_000)).isEqualTo(3);
        // late, but inside the retention: counted in its own window (a1 and itself)
        assertThat(index.countOrder("alice", "a5", T0 + 10_000)).isEqualTo(2);
        // the retention (two windows) or more behind the latest order: not kept, so b3 does not see it
        assertThat(index.countOrder("bob", "b2", T0 - 60_000)).isZero();
        assertThat(index.countOrder("bob", "b3", T0 - 59_999)).isEqualTo(1);
    }

    @Test
    void anIndexMadeAgainFromTheOrdersCountsAsTheOneThatRanOn() {
        final Random random = new Random(17);
        for (int run = 0; run < 50; run++) {
            final OrderIndex ranOn = new OrderIndex(WINDOW);
            final OrderIndex restarted = new OrderIndex(WINDOW);
            final List<OrderState> kept = new ArrayList<>();
            long clock = T0;
            for (int i = 0; i < 200; i++) {
                // mostly in order, some late, a few much later than the retention
                clock += random.nextInt(3_000);
                final long orderedAt = clock - (random.nextInt(10) == 0 ? random.nextInt(200_000) : 0);
                final String customer = "c" + random.nextInt(5);
                final String orderId = "o-" + run + "-" + i;
                if (random.nextInt(20) == 0) {
                    restarted.rebuild(kept.iterator());
                }
                assertThat(restarted.countOrder(customer, orderId, orderedAt))
                        .as("order %d of run %d", i, run)
                        .isEqualTo(ranOn.countOrder(customer, orderId, orderedAt));
                kept.add(order(orderId, customer, clock, orderedAt, OrderStatus.COMPLETED));
            }
        }
    }

    @Test
    void tracksOpenOrdersUntilTheyEndAndRetriesUntilTaken() {
        final OrderIndex index = new OrderIndex(WINDOW);
        final OrderState open = order("o-1", "alice", T0, T0, OrderStatus.RESERVING);
        final OrderState waiting = order("o-2", "bob", T0 + 5, T0 + 5, OrderStatus.AWAITING_PAYMENT)
                .withPayment(OrderState.PaymentState.NONE
                        .asking(io.purchasepipeline.serdes.PaymentOperation.AUTHORISE)
                        .withoutAnswer(T0 + 1_005));
        index.placed(open);
        index.placed(waiting);
        // an order that ended leaves the open ones
        index.track(open.moveTo(OrderStatus.COMPLETED, "done", T0 + 10));

        assertThat(index.takeOpenPlacedBefore(T0 + 100)).containsExactly("o-2");
        assertThat(index.takeOpenPlacedBefore(T0 + 100)).isEmpty();
        assertThat(index.takeRetriesDue(T0 + 1_004)).isEmpty();
        assertThat(index.takeRetriesDue(T0 + 1_005))
                .extracting(OrderIndex.Timed::orderId)
                .containsExactly("o-2");

        index.rebuild(List.of(open, waiting).iterator());
        assertThat(index.takeOpenPlacedBefore(T0 + 100)).containsExactly("o-1", "o-2");
        assertThat(index.takeRetriesDue(T0 + 2_000))
                .extracting(OrderIndex.Timed::at)
                .containsExactly(T0 + 1_005);
    }

    private static OrderState order(
            final String orderId,
            final String customerId,
            final long placedAt,
            final long orderedAt,
            final OrderStatus status) {
        return new OrderState(
                new Order(
                        orderId,
                        customerId,
                        customerId,
                        customerId + "@example.com",
                        List.of(new OrderLine("book", 1)),
                        new PaymentDetails("4242424242424242")),
                List.of(),
                List.of(),
                BigDecimal.TEN,
                placedAt,
                orderedAt,
                OrderState.PaymentState.NONE,
                List.of(new OrderState.Step(status, placedAt, "")),
                "cid-" + orderId,
                null);
    }
}
