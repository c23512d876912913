package io.purchasepipeline.serdes;

/** Where an order stands. Every accepted order ends in exactly one terminal status. */
public enum OrderStatus {
    PENDING,
    RESERVING,
    AWAITING_PAYMENT,
    COMPLETED(true),
    REJECTED_FRAUD(true),
    REJECTED_OUT_OF_STOCK(true),
    PAYMENT_DECLINED(true),
    EXPIRED(true);

    private final boolean terminal;

    OrderStatus() {
        this(false);
    }

    OrderStatus(final boolean terminal) {
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }
}
