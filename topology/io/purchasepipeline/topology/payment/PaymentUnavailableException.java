package io.purchasepipeline.topology.payment;

/** The gateway gave no final answer (down, timed out): the charge may be tried again with the same key. */
public final class PaymentUnavailableException extends Exception {

    public PaymentUnavailableException(final String message) {
        super(message);
    }
}
