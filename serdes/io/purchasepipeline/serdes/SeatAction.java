package io.purchasepipeline.serdes;

/** A direct seat command from the seat routes. */
public enum SeatAction {
    RESERVE,
    RELEASE
}
