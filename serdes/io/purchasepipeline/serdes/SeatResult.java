package io.purchasepipeline.serdes;

/** The answer to a {@link SeatCommand}, on {@code seat-reservation-results} keyed by seat id. */
public record SeatResult(String requestId, String seatId, String user, SeatOutcome outcome, String reservedFor) {}
