package io.purchasepipeline.serdes;

/** What an order asks of one SKU. */
public enum ReservationAction {
    HOLD,
    CONFIRM,
    RELEASE
}
