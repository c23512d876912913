package io.purchasepipeline.topology.payment;

/** The gateway's answer: its own payment id and the outcome. */
public record PaymentResult(String paymentId, PaymentOutcome outcome) {
}
