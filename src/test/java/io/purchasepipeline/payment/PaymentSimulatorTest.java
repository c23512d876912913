package io.purchasepipeline.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.PaymentStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PaymentSimulatorTest {

    private static final BigDecimal TEN = BigDecimal.TEN;

    private final PaymentSimulator gateway = new PaymentSimulator();

    @AfterEach
    void close() {
        gateway.close();
    }

    @Test
    void answersTheTestCardsMaskedOrNot() {
        for (final String card :
                new String[] {PaymentSimulator.DECLINED_CARD, Cards.mask(PaymentSimulator.DECLINED_CARD)}) {
            assertThat(authorise("d-" + card + "/authorise", card).status()).isEqualTo(PaymentStatus.DECLINED);
        }
        assertThat(authorise("i/authorise", Cards.mask(PaymentSimulator.INSUFFICIENT_FUNDS_CARD))
                        .status())
                .isEqualTo(PaymentStatus.INSUFFICIENT_FUNDS);
        assertThat(authorise("a/authorise", Cards.mask(PaymentSimulator.APPROVED_CARD))
                        .status())
                .isEqualTo(PaymentStatus.APPROVED);
        assertThat(authorise("m/authorise", Cards.mask("5555555555554444")).status())
                .isEqualTo(PaymentStatus.APPROVED);
        assertThat(authorise("bad/authorise", "4242424242424241").status()).isEqualTo(PaymentStatus.DECLINED);
        assertThat(gateway.authorise("u/authorise", TEN, "EUR", Cards.mask(PaymentSimulator.UNAVAILABLE_CARD)))
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(PaymentUnavailableException.class);
    }

    @Test
    void aReplayedKeyGetsTheSameAnswerAndMovesNoMoney() {
        final GatewayAnswer first = authorise("order-1/authorise", PaymentSimulator.APPROVED_CARD);
        final GatewayAnswer again = authorise("order-1/authorise", PaymentSimulator.APPROVED_CARD);
        final GatewayAnswer captured = gateway.capture("order-1/capture", first.paymentId(), TEN, "EUR")
                .join();
        final GatewayAnswer capturedAgain = gateway.capture("order-1/capture", first.paymentId(), TEN, "EUR")
                .join();

        assertThat(again).isEqualTo(first);
        assertThat(capturedAgain).isEqualTo(captured);
        assertThat(captured.status()).isEqualTo(PaymentStatus.APPROVED);
        assertThat(gateway.authorisations("order-1")).isEqualTo(1);
        assertThat(gateway.captures("order-1")).isEqualTo(1);
        assertThat(gateway.calls()).isEqualTo(4);
        assertThat(gateway.doubleCharges()).isEmpty();
    }

    @Test
    void reportsAnOrderAuthorisedTwiceUnderDifferentKeys() {
        authorise("order-2/authorise", PaymentSimulator.APPROVED_CARD);
        authorise("order-2/authorise-again", PaymentSimulator.APPROVED_CARD);

        assertThat(gateway.authorisations("order-2")).isEqualTo(2);
        assertThat(gateway.doubleCharges()).containsOnlyKeys("order-2");
    }

    @Test
    void refusesASecondCaptureAndReportsIt() {
        final String authorisation =
                authorise("order-3/authorise", PaymentSimulator.APPROVED_CARD).paymentId();
        gateway.capture("order-3/capture", authorisation, TEN, "EUR").join();

        final GatewayAnswer second =
                gateway.capture("order-3/capture-2", authorisation, TEN, "EUR").join();

        assertThat(second.status()).isEqualTo(PaymentStatus.DECLINED);
        assertThat(gateway.captures("order-3")).isEqualTo(2);
        assertThat(gateway.doubleCharges()).containsOnlyKeys("order-3");
    }

    @Test
    void refusesACaptureAfterTheVoidAndReportsIt() {
        final String authorisation =
                authorise("order-4/authorise", PaymentSimulator.APPROVED_CARD).paymentId();
        assertThat(gateway.voidAuthorisation("order-4/void", authorisation)
                        .join()
                        .status())
                .isEqualTo(PaymentStatus.APPROVED);

        final GatewayAnswer capture =
                gateway.capture("order-4/capture", authorisation, TEN, "EUR").join();

        assertThat(capture.status()).isEqualTo(PaymentStatus.DECLINED);
        assertThat(gateway.voids("order-4")).isEqualTo(1);
        assertThat(gateway.doubleCharges())
                .containsEntry("order-4", "1 authorisation(s), 1 capture(s), 1 void(s), captured after its void");
    }

    @Test
    void aVoidOrACaptureOfAnUnknownAuthorisationIsDeclinedAndCountsNothing() {
        assertThat(gateway.capture("order-5/capture", "auth-unknown", TEN, "EUR")
                        .join()
                        .status())
                .isEqualTo(PaymentStatus.DECLINED);
        assertThat(gateway.voidAuthorisation("order-5/void", "auth-unknown")
                        .join()
                        .status())
                .isEqualTo(PaymentStatus.DECLINED);
        assertThat(gateway.captures("order-5")).isZero();
        assertThat(gateway.doubleCharges()).isEmpty();
    }

    @Test
    void answersAfterItsLatencyWithoutAThreadPerCall() throws Exception {
        try (PaymentSimulator slow = new PaymentSimulator(
                new PaymentSimulator.Behaviour(Duration.ofMillis(200), Duration.ofMillis(50), 0, 7))) {
            final int threadsBefore = Thread.activeCount();
            final List<CompletableFuture<GatewayAnswer>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(slow.authorise("o-" + i + "/authorise", TEN, "EUR", PaymentSimulator.APPROVED_CARD));
            }

            assertThat(calls).noneMatch(CompletableFuture::isDone);
            assertThat(Thread.activeCount() - threadsBefore).isLessThanOrEqualTo(1);
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(calls).allMatch(call -> call.join().status() == PaymentStatus.APPROVED);
        }
    }

    @Test
    void losesTheAnswerOfItsShareOfTimeOutsButKeepsWhatItDid() {
        try (PaymentSimulator lossy =
                new PaymentSimulator(new PaymentSimulator.Behaviour(Duration.ZERO, Duration.ZERO, 1, 7))) {
            final CompletableFuture<GatewayAnswer> lost =
                    lossy.authorise("o/authorise", TEN, "EUR", PaymentSimulator.APPROVED_CARD);

            assertThat(lost).isNotDone();
            assertThat(lossy.authorisations("o"))
                    .as("the gateway authorised; only its answer is lost")
                    .isEqualTo(1);
        }
        try (PaymentSimulator some =
                new PaymentSimulator(new PaymentSimulator.Behaviour(Duration.ZERO, Duration.ZERO, 0.3, 7))) {
            int unanswered = 0;
            for (int i = 0; i < 1000; i++) {
                if (!some.authorise("o-" + i + "/authorise", TEN, "EUR", PaymentSimulator.APPROVED_CARD)
                        .isDone()) {
                    unanswered++;
                }
            }
            assertThat(unanswered).isBetween(200, 400);
        }
    }

    @Test
    void masksCardsToFirstSixAndLastFour() {
        assertThat(Cards.mask("4242424242424242")).isEqualTo("424242******4242");
        assertThat(Cards.mask("378282246310005")).isEqualTo("378282*****0005");
    }

    private GatewayAnswer authorise(final String key, final String card) {
        return gateway.authorise(key, TEN, "EUR", card).join();
    }
}
