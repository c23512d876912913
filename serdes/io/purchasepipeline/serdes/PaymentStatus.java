package io.purchasepipeline.serdes;

/**
 * The gateway's answer to one payment operation. {@link #UNAVAILABLE} is no answer (the gateway was
 * down or timed out): the order may ask again with the same idempotency key.
 */
public enum PaymentStatus {
    APPROVED,
    DECLINED,
    INSUFFICIENT_FUNDS,
    UNAVAILABLE;

    public boolean approved() {
        return this == APPROVED;
    }

    /** Declined for good: asking again with this card gives the same answer. */
    public boolean refused() {
        return this == DECLINED || this == INSUFFICIENT_FUNDS;
    }
}
