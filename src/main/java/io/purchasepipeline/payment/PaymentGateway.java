package io.purchasepipeline.payment;

import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;

/**
 * A card payment provider, asked asynchronously: a call returns at once and its answer comes
 * later, so that one worker keeps many calls in flight without a thread for each.
 *
 * <p>{@code idempotencyKey} names the operation ({@code PaymentRequest#idempotencyKey()}: the
 * order id and the operation). The same operation asked again under the same key (a request read
 * again after a crash, a retry after a time-out) gets the first answer and moves no money again.
 *
 * <p>No answer: the future completes exceptionally with a {@link PaymentUnavailableException}
 * (the provider is down, refused to answer, or did not answer in time), or does not complete at
 * all; callers bound their wait. Whether the provider acted on such a call is unknown, which is
 * why the same key must be used to ask again.
 */
public interface PaymentGateway {

    /** Reserves {@code amount} on the card; the answer's payment id is the authorisation that capture and void name. */
    CompletableFuture<GatewayAnswer> authorise(String idempotencyKey, BigDecimal amount, String currency, String card);

    /** Takes {@code amount} of an approved authorisation. */
    CompletableFuture<GatewayAnswer> capture(
            String idempotencyKey, String authorisationId, BigDecimal amount, String currency);

    /** Gives back an authorisation that was not captured. */
    CompletableFuture<GatewayAnswer> voidAuthorisation(String idempotencyKey, String authorisationId);
}
