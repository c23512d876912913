package io.purchasepipeline.payment;

import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link PaymentRequest} to the gateway and back as a {@link PaymentResult}. A call that gets
 * no answer within the call timeout, or fails, is answered {@link PaymentStatus#UNAVAILABLE}:
 * the order asks again later, under the same idempotency key.
 */
public final class PaymentCalls {

    /** Long enough for a slow gateway, short enough that an order asks again well inside its hold timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(PaymentCalls.class);

    private final PaymentGateway gateway;
    private final Duration timeout;

    public PaymentCalls(final PaymentGateway gateway, final Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the call timeout must be positive, not " + timeout);
        }
        this.gateway = gateway;
        this.timeout = timeout;
    }

    /**
     * The gateway's answer to {@code request}, which must be {@linkplain PaymentRequests#problem well formed}.
     * The future always completes normally, within the call timeout.
     */
    public CompletableFuture<PaymentResult> answer(final PaymentRequest request) {
        CompletableFuture<GatewayAnswer> call;
        try {
            call = switch (request.operation()) {
                case AUTHORISE ->
                    gateway.authorise(request.idempotencyKey(), request.amount(), request.currency(), request.card());
                case CAPTURE ->
                    gateway.capture(
                            request.idempotencyKey(), request.authorisationId(), request.amount(), request.currency());
                case VOID -> gateway.voidAuthorisation(request.idempotencyKey(), request.authorisationId());
            };
        } catch (RuntimeException | LinkageError e) {
            // a gateway client that throws (a bug, a class missing from its library) gives no answer; the
            // order asks again, and the worker goes on with every other request
            log.warn("The payment gateway failed on {}: {}", request.idempotencyKey(), e.toString());
            call = CompletableFuture.failedFuture(e);
        }
        // a copy, so that the timeout does not complete a future the gateway may share or keep
        return call.thenApply(answer -> answer)
                .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((answer, failure) -> failure == null
                        ? result(request, answer.status(), answer.paymentId(), null)
                        : unavailable(request, failure));
    }

    private PaymentResult unavailable(final PaymentRequest request, final Throwable failure) {
        final Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        final String detail = cause instanceof TimeoutException
                ? "no answer within " + timeout.toMillis() + " ms"
                : "no answer: " + cause.getMessage();
        log.debug("Payment {} unavailable: {}", request.idempotencyKey(), detail, cause);
        return result(request, PaymentStatus.UNAVAILABLE, null, detail);
    }

    private static PaymentResult result(
            final PaymentRequest request, final PaymentStatus status, final String paymentId, final String detail) {
        return new PaymentResult(
                request.orderId(), request.customerId(), request.operation(), status, paymentId, detail);
    }
}
