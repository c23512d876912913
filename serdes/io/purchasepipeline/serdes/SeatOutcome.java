package io.purchasepipeline.serdes;

/** The outcome of a {@link SeatCommand}; the seat routes map each to a status code. */
public enum SeatOutcome {
    RESERVED,
    ALREADY_RESERVED,
    RELEASED,
    NOT_RESERVED,
    RESERVED_BY_OTHER,
    NO_SUCH_SEAT
}
