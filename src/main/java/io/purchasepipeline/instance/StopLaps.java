package io.purchasepipeline.instance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How long each part of an instance took to stop, for the one line the stop logs: a stop that
 * takes long says which part held it.
 */
final class StopLaps {

    private final LongSupplier nanoTime;
    private final long started;
    private final List<String> laps = new ArrayList<>();
    private long lastLap;

    StopLaps(final LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastLap = started;
    }

    /** The part that has just stopped. */
    void lap(final String part) {
        final long now = nanoTime.getAsLong();
        laps.add(part + " " + millis(now - lastLap));
        lastLap = now;
    }

    /** For example {@code 1834 ms: HTTP 12, mail 40, stream tasks 1650}. */
    @Override
    public String toString() {
        return millis(lastLap - started) + " ms: " + String.join(", ", laps);
    }

    private static long millis(final long nanos) {
        return nanos / 1_000_000;
    }
}
