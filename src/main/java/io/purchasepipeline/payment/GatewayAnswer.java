package io.purchasepipeline.payment;

import io.purchasepipeline.serdes.PaymentStatus;

/**
 * A gateway's final answer to one operation: its own id of the operation (for an authorisation,
 * the id that capture and void name) and whether it went through. Never {@link PaymentStatus#UNAVAILABLE}:
 * no answer is an exception ({@link PaymentUnavailableException}), not an answer.
 */
public record GatewayAnswer(String paymentId, PaymentStatus status) {

    public GatewayAnswer {
        if (status == null || status == PaymentStatus.UNAVAILABLE) {
            throw new IllegalArgumentException("a gateway answer is approved or refused, not " + status);
        }
    }
}
