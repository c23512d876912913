package io.purchasepipeline.serdes;

/**
 * A rate that left its band in one closed analytics window, on {@code alerts} keyed by metric:
 * e.g. fraud at 0.20 against a baseline of 0.10 (band 0.05 to 0.15) over 240 decided orders.
 */
public record Alert(
        String metric,
        long windowStart,
        long windowEnd,
        double rate,
        double baseline,
        double lower,
        double upper,
        long volume,
        long at) {}
