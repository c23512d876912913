package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.OrderStatus;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

class OutcomesTest {

    private static final Duration NO_WAIT = Duration.ZERO;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final OrderIds ids = new OrderIds(42);

    @Test
    void anOrdersFirstTerminalEventEndsItWithItsLatency() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        place(outcomes, 0, 1_000 * MS);
        place(outcomes, 1, 1_010 * MS);

        assertThat(outcomes.ended(ids.id(0), OrderStatus.COMPLETED, 1_200 * MS)).isEqualTo(Outcomes.Ending.FIRST);
        assertThat(outcomes.ended(ids.id(1), OrderStatus.PAYMENT_DECLINED, 1_410 * MS))
                .isEqualTo(Outcomes.Ending.FIRST);

        final Outcomes.Result result = outcomes.result();
        assertThat(result.sent()).isEqualTo(2);
        assertThat(result.ended()).isEqualTo(2);
        assertThat(result.notEnded()).isZero();
        assertThat(result.states())
                .containsEntry(OrderStatus.COMPLETED, 1L)
                .containsEntry(OrderStatus.PAYMENT_DECLINED, 1L)
                .containsEntry(OrderStatus.EXPIRED, 0L)
                .doesNotContainKey(OrderStatus.PENDING);
        assertThat(result.latencies().getMinValue()).isBetween(199_900L, 200_100L);
        assertThat(result.latencies().getMaxValue()).isBetween(399_900L, 400_300L);
        assertThat(result.firstSentNanos()).isEqualTo(1_000 * MS);
        assertThat(result.lastSentNanos()).isEqualTo(1_010 * MS);
        assertThat(result.lastEndedNanos()).isEqualTo(1_410 * MS);
    }

    @Test
    void latencyCountsFromWhenTheOrderWasDueAndHowLateItWentOutIsKept() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        assertThat(outcomes.awaitRoom(NO_WAIT)).isTrue();
        outcomes.placed(0, 1_000 * MS, 1_300 * MS);

        outcomes.ended(ids.id(0), OrderStatus.COMPLETED, 1_400 * MS);

        final Outcomes.Result result = outcomes.result();
        assertThat(result.latencies().getMaxValue()).isBetween(399_900L, 400_300L);
        assertThat(result.maxBehindNanos()).isEqualTo(300 * MS);
        assertThat(result.firstSentNanos()).isEqualTo(1_300 * MS);
    }

    @Test
    void aSecondTerminalEventOfAnOrderIsADuplicate() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        place(outcomes, 3, 0);
        outcomes.ended(ids.id(3), OrderStatus.COMPLETED, 100 * MS);

        assertThat(outcomes.ended(ids.id(3), OrderStatus.EXPIRED, 200 * MS)).isEqualTo(Outcomes.Ending.DUPLICATE);

        final Outcomes.Result result = outcomes.result();
        assertThat(result.duplicates()).isEqualTo(1);
        assertThat(result.duplicateSample()).containsExactly(ids.id(3));
        assertThat(result.ended()).isEqualTo(1);
        assertThat(result.states()).containsEntry(OrderStatus.COMPLETED, 1L).containsEntry(OrderStatus.EXPIRED, 0L);
    }

    @Test
    void eventsOfOrdersThisRunDidNotPlaceAreIgnored() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        place(outcomes, 0, 0);

        assertThat(outcomes.ended(UUID.randomUUID().toString(), OrderStatus.COMPLETED, MS))
                .isEqualTo(Outcomes.Ending.NOT_PLACED);
        assertThat(outcomes.ended(ids.id(1), OrderStatus.COMPLETED, MS)).isEqualTo(Outcomes.Ending.NOT_PLACED);
        assertThat(outcomes.result().ended()).isZero();
        assertThat(outcomes.result().notEndedSample()).containsExactly(ids.id(0));
    }

    @Test
    void theWindowHoldsTheSenderUntilAnOrderEnds() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 2);
        place(outcomes, 0, 0);
        place(outcomes, 1, 0);

        assertThat(outcomes.result().windowFilled()).isFalse();
        assertThat(outcomes.awaitRoom(NO_WAIT)).isFalse();
        outcomes.ended(ids.id(0), OrderStatus.COMPLETED, MS);
        assertThat(outcomes.awaitRoom(NO_WAIT)).isTrue();
        assertThat(outcomes.result().windowFilled()).isTrue();
    }

    @Test
    void aFailedSendIsNotPlacedAndGivesItsRoomBack() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 1);
        place(outcomes, 0, 0);
        final KafkaException cause = new KafkaException("broker gone");

        outcomes.failed(0, cause);

        assertThat(outcomes.firstFailure()).isSameAs(cause);
        assertThat(outcomes.awaitRoom(NO_WAIT)).isTrue();
        final Outcomes.Result result = outcomes.result();
        assertThat(result.sent()).isZero();
        assertThat(result.failedSends()).isEqualTo(1);
        assertThat(result.notEnded()).isZero();
    }

    @Test
    void ordersWithoutATerminalEventAreNamed() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 20);
        for (int seq = 0; seq < 15; seq++) {
            place(outcomes, seq, 0);
        }
        outcomes.ended(ids.id(0), OrderStatus.COMPLETED, MS);

        final Outcomes.Result result = outcomes.result();
        assertThat(result.notEnded()).isEqualTo(14);
        assertThat(result.notEndedSample())
                .hasSize(Outcomes.SAMPLE)
                .startsWith(ids.id(1), ids.id(2))
                .doesNotContain(ids.id(0));
        assertThat(outcomes.snapshot()).isEqualTo(new Outcomes.Snapshot(15, 1, 14, 0, 0, 1.0));
    }

    private static void place(final Outcomes outcomes, final long seq, final long atNanos) throws InterruptedException {
        assertThat(outcomes.awaitRoom(NO_WAIT)).isTrue();
        outcomes.placed(seq, atNanos, atNanos);
    }
}
