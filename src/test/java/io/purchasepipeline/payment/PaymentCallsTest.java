package io.purchasepipeline.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PaymentCallsTest {

    private static final PaymentRequest AUTHORISE = new PaymentRequest(
            "o-1", "alice", PaymentOperation.AUTHORISE, BigDecimal.TEN, "EUR", PaymentSimulator.APPROVED_CARD, null);

    @Test
    void answersWithTheGatewaysIdAndStatus() {
        try (PaymentSimulator gateway = new PaymentSimulator()) {
            final PaymentResult result = new PaymentCalls(gateway, Duration.ofSeconds(1))
                    .answer(AUTHORISE)
                    .join();

            assertThat(result)
                    .isEqualTo(new PaymentResult(
                            "o-1", "alice", PaymentOperation.AUTHORISE, PaymentStatus.APPROVED, "auth-1", null));
        }
    }

    @Test
    void noAnswerWithinTheTimeoutIsUnavailable() {
        try (PaymentSimulator silent =
                new PaymentSimulator(new PaymentSimulator.Behaviour(Duration.ZERO, Duration.ZERO, 1, 1))) {
            final PaymentResult result = new PaymentCalls(silent, Duration.ofMillis(50))
                    .answer(AUTHORISE)
                    .join();

            assertThat(result.status()).isEqualTo(PaymentStatus.UNAVAILABLE);
            assertThat(result.detail()).isEqualTo("no answer within 50 ms");
        }
    }

    @Test
    void aGatewayThatFailsOrThrowsIsUnavailable() {
        final FlakyGateway down = FlakyGateway.down();
        assertThat(new PaymentCalls(down, Duration.ofSeconds(1))
                        .answer(AUTHORISE)
                        .join())
                .extracting(PaymentResult::status, PaymentResult::detail)
                .containsExactly(PaymentStatus.UNAVAILABLE, "no answer: down");

        final PaymentGateway throwing = new PaymentGateway() {
            @Override
            public CompletableFuture<GatewayAnswer> authorise(
                    final String key, final BigDecimal amount, final String currency, final String card) {
                throw new IllegalStateException("connection pool closed");
            }

            @Override
            public CompletableFuture<GatewayAnswer> capture(
                    final String key, final String authorisationId, final BigDecimal amount, final String currency) {
                throw new IllegalStateException("connection pool closed");
            }

            @Override
            public CompletableFuture<GatewayAnswer> voidAuthorisation(final String key, final String authorisationId) {
                throw new IllegalStateException("connection pool closed");
            }
        };
        assertThat(new PaymentCalls(throwing, Duration.ofSeconds(1))
                        .answer(AUTHORISE)
                        .join())
                .extracting(PaymentResult::status, PaymentResult::detail)
                .containsExactly(PaymentStatus.UNAVAILABLE, "no answer: connection pool closed");
    }

    @Test
    void asksTheOperationOfTheRequest() {
        try (PaymentSimulator gateway = new PaymentSimulator()) {
            final PaymentCalls calls = new PaymentCalls(gateway, Duration.ofSeconds(1));
            final String authorisation = calls.answer(AUTHORISE).join().paymentId();

            final PaymentResult voided = calls.answer(
                            new PaymentRequest("o-1", "alice", PaymentOperation.VOID, null, null, null, authorisation))
                    .join();

            assertThat(voided.status()).isEqualTo(PaymentStatus.APPROVED);
            assertThat(gateway.voids("o-1")).isEqualTo(1);
            assertThat(gateway.captures("o-1")).isZero();
        }
    }
}
