package io.purchasepipeline.serdes;

/** What a HOLD did to one order line. */
public enum LineOutcome {
    HELD,
    OUT_OF_STOCK,
    SEAT_TAKEN,
    UNKNOWN_SKU,
    INVALID_QUANTITY,
    /** The order was already released (expired) before its hold arrived. */
    ORDER_CLOSED;

    public boolean held() {
        return this == HELD;
    }
}
