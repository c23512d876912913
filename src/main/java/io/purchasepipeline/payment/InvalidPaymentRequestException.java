package io.purchasepipeline.payment;

/** A record on {@code payment-requests} that no gateway can be asked: it goes to {@code dead-letters}. */
public final class InvalidPaymentRequestException extends RuntimeException {

    public InvalidPaymentRequestException(final String message) {
        super(message);
    }
}
