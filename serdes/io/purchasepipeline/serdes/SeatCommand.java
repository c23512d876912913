package io.purchasepipeline.serdes;

/** A user's direct seat command, the value on {@code seat-reservations} keyed by seat id. */
public record SeatCommand(String requestId, String seatId, String user, SeatAction action) {}
