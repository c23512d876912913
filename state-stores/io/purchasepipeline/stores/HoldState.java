package io.purchasepipeline.stores;

/** Where one order's hold on one SKU stands. */
public enum HoldState {
    HELD,
    /** A hold that was refused; kept so that a repeated HOLD gets the same answer. */
    REFUSED,
    /** Released before any hold arrived (the order expired first): a later HOLD is refused. */
    FENCED
}
