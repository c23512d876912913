package io.purchasepipeline.http;

import static io.purchasepipeline.serdes.OrderStatus.AWAITING_PAYMENT;
import static io.purchasepipeline.serdes.OrderStatus.COMPLETED;
import static io.purchasepipeline.serdes.OrderStatus.PAYMENT_DECLINED;
import static io.purchasepipeline.serdes.OrderStatus.REJECTED_FRAUD;
import static io.purchasepipeline.serdes.OrderStatus.RESERVING;
import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentOrdersTest {

    private static final long T0 = 1_765_000_000_000L;

    private final RecentOrders recent = new RecentOrders(3);

    @Test
    void listsTheLatestOrdersNewestFirstEachAtItsNewestStatus() {
        recent.apply(event("o-1", 1, RESERVING, T0));
        recent.apply(event("o-2", 1, RESERVING, T0 + 10));
        recent.apply(event("o-1", 2, COMPLETED, T0 + 20));

        final RecentOrders.View view = recent.view(10, 60, T0 + 30);

        assertThat(view.orders())
                .containsExactly(
                        new RecentOrders.Summary("o-2", RESERVING, 1, T0 + 10, T0 + 10, "detail 1"),
                        new RecentOrders.Summary("o-1", COMPLETED, 2, T0, T0 + 20, "detail 2"));
        assertThat(view.since()).isEqualTo(T0);
        assertThat(new RecentOrders(3).view(10, 60, T0).since())
                .as("nothing read yet")
                .isNull();
    }

    @Test
    void anOlderEventReadLateDoesNotTakeAnOrderBack() {
        recent.apply(event("o-1", 2, AWAITING_PAYMENT, T0 + 5));
        recent.apply(event("o-1", 1, RESERVING, T0));

        assertThat(recent.view(10, 60, T0).orders())
                .singleElement()
                .extracting(RecentOrders.Summary::status, RecentOrders.Summary::seq)
                .containsExactly(AWAITING_PAYMENT, 2);
    }

    @Test
    void keepsOnlyItsCapacityTheFirstSeenLeavingFirst() {
        for (int i = 1; i <= 5; i++) {
            recent.apply(event("o-" + i, 1, RESERVING, T0 + i));
        }

        assertThat(recent.view(10, 60, T0).orders())
                .extracting(RecentOrders.Summary::orderId)
                .containsExactly("o-5", "o-4", "o-3");
        assertThat(recent.view(2, 60, T0).orders())
                .extracting(RecentOrders.Summary::orderId)
                .containsExactly("o-5", "o-4");
    }

    @Test
    void countsEndsPerSecondByTerminalStateUpToTheCurrentSecond() {
        recent.apply(event("o-1", 2, COMPLETED, T0 + 100));
        recent.apply(event("o-2", 2, COMPLETED, T0 + 900));
        recent.apply(event("o-3", 2, REJECTED_FRAUD, T0 + 1_500));
        recent.apply(event("o-4", 1, RESERVING, T0 + 1_600));
        recent.apply(event("o-5", 2, PAYMENT_DECLINED, T0 + 3_000));

        final RecentOrders.EndedPerSecond ended = recent.view(10, 4, T0 + 3_200).endedPerSecond();

        assertThat(ended.until()).isEqualTo(T0 / 1000 + 4);
        assertThat(ended.seconds()).isEqualTo(4);
        assertThat(ended.counts()).containsOnlyKeys(RecentOrders.TERMINAL);
        assertThat(ended.counts().get(COMPLETED)).containsExactly(2, 0, 0, 0);
        assertThat(ended.counts().get(REJECTED_FRAUD)).containsExactly(0, 1, 0, 0);
        assertThat(ended.counts().get(PAYMENT_DECLINED)).containsExactly(0, 0, 0, 1);
        assertThat(ended.counts().get(OrderStatus.EXPIRED)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void forgetsEndsOlderThanTheSecondsItKeeps() {
        recent.apply(event("o-1", 2, COMPLETED, T0));
        final long later = T0 + RecentOrders.SECONDS_KEPT * 1000L;
        recent.apply(event("o-2", 2, COMPLETED, later));
        // read late: older than every second kept now
        recent.apply(event("o-3", 2, COMPLETED, T0 + 200));

        final RecentOrders.EndedPerSecond ended =
                recent.view(10, RecentOrders.SECONDS_KEPT, later).endedPerSecond();

        assertThat(ended.counts().get(COMPLETED)[RecentOrders.SECONDS_KEPT - 1]).isEqualTo(1);
        assertThat(sum(ended.counts().get(COMPLETED))).isEqualTo(1);
    }

    @Test
    void everyEndInsideTheWindowIsCountedOnceWhateverTheOrderOfReading() {
        final Random random = new Random(21);
        final long now = T0 + 120_000;
        long inWindow = 0;
        for (int i = 0; i < 5_000; i++) {
            final long at = T0 + random.nextInt(120_000);
            recent.apply(event("o-" + i, 2, COMPLETED, at));
            if (at >= now - now % 1000 - 59_000) {
                inWindow++;
            }
        }

        assertThat(sum(recent.view(1, 60, now).endedPerSecond().counts().get(COMPLETED)))
                .isEqualTo(inWindow);
    }

    private static long sum(final long[] counts) {
        long sum = 0;
        for (final long count : counts) {
            sum += count;
        }
        return sum;
    }

    private static OrderEvent event(final String orderId, final int seq, final OrderStatus status, final long at) {
        return new OrderEvent(orderId, seq, status, "detail " + seq, at, "corr-" + orderId);
    }
}
