package io.purchasepipeline.serdes;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * One payment operation for one order, on {@code payment-requests} keyed by customer id. The card is
 * masked as at intake (first six and last four digits); {@code authorisationId} is the gateway's id
 * of the authorisation that a CAPTURE takes or a VOID gives back (null for AUTHORISE).
 */
public record PaymentRequest(
        String orderId,
        String customerId,
        PaymentOperation operation,
        BigDecimal amount,
        String currency,
        String card,
        String authorisationId) {

    /** The order and the operation: a replay of the same request is answered, never charged, again. */
    public String idempotencyKey() {
        return orderId + "/" + operation.name().toLowerCase(Locale.ROOT);
    }
}
