package io.purchasepipeline.payment;

/**
 * The gateway gave no final answer (down, refused to answer, timed out): the operation may or may
 * not have happened, and is asked again later under the same idempotency key.
 */
public final class PaymentUnavailableException extends RuntimeException {

    public PaymentUnavailableException(final String message) {
        super(message);
    }

    public PaymentUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
