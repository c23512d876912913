package io.purchasepipeline.serdes;

/**
 * The payment worker's answer to a {@link PaymentRequest}, on {@code payment-results} keyed by
 * customer id, so that it comes back to the task that owns the order. {@code paymentId} is the
 * gateway's id of the operation (for AUTHORISE, the authorisation that CAPTURE and VOID name).
 */
public record PaymentResult(
        String orderId,
        String customerId,
        PaymentOperation operation,
        PaymentStatus status,
        String paymentId,
        String detail) {}
