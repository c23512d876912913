package io.purchasepipeline.tools.load;

import io.purchasepipeline.serdes.OrderStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The orders of one run from placed to ended: which are in flight and since when, how each ended,
 * the placed → terminal latencies, and the orders that ended more than once. It also bounds how
 * many orders are in flight: the sender takes room before each order, an order's end or a failed
 * send gives it back, so that at the maximum rate the sender runs as fast as the pipeline ends
 * orders and never further ahead than the window.
 *
 * <p>The sender thread (or each HTTP client's) calls {@link #awaitRoom} and {@link #placed}, the
 * producer's callbacks (or the HTTP clients) {@link #failed}, the event reader {@link #ended};
 * anyone may ask for a {@link #snapshot()}.
 */
public final class Outcomes {

    /** Latencies in microseconds, up to an hour: more is a lost order, not a latency. */
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    /** How many ids of not-ended or twice-ended orders a report names. */
    static final int SAMPLE = 10;

    /** What one terminal event meant. */
    enum Ending {
        /** The order's first terminal event: counted, its latency recorded. */
        FIRST,
        /** Another terminal event of an order that had ended: a broken invariant. */
        DUPLICATE,
        /** Not an order this run placed (another run's, the storefront's, or one whose send failed). */
        NOT_PLACED
    }

    private final RunIds ids;
    private final Semaphore room;
    private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();
    private final Histogram latencies = new Histogram(HIGHEST_MICROS, 3);
    private final BitSet ended = new BitSet();
    private final Map<OrderStatus, Long> states = new EnumMap<>(OrderStatus.class);
    private final List<String> duplicateSample = new ArrayList<>();
    private long duplicates;
    private long sent;
    private long failedSends;
    private Exception firstFailure;
    private long endedCount;
    private long firstSentNanos;
    private long lastSentNanos;
    private long maxBehindNanos;
    private long lastEndedNanos;
    private volatile boolean windowFilled;

    public Outcomes(final RunIds ids, final int maxInFlight) {
        this.ids = ids;
        this.room = new Semaphore(maxInFlight);
        Stream.of(OrderStatus.values()).filter(OrderStatus::terminal).forEach(status -> states.put(status, 0L));
    }

    /** Waits while the window of orders in flight is full; false when it stayed full for {@code timeout}. */
    boolean awaitRoom(final Duration timeout) throws InterruptedException {
        if (room.tryAcquire()) {
            return true;
        }
        windowFilled = true;
        return room.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Order {@code seq} is about to be sent at {@code sentNanos}; its latency counts from
     * {@code placedNanos}, when it was due (no later than it is sent). Call after {@link #awaitRoom}.
     */
    synchronized void placed(final long seq, final long placedNanos, final long sentNanos) {
        inFlight.put(seq, placedNanos);
        if (sent == 0 && failedSends == 0) {
            firstSentNanos = sentNanos;
            lastSentNanos = sentNanos;
        }
        // several HTTP clients place orders at once: the one that took the clock first may call last
        firstSentNanos = Math.min(firstSentNanos, sentNanos);
        lastSentNanos = Math.max(lastSentNanos, sentNanos);
        maxBehindNanos = Math.max(maxBehindNanos, sentNanos - placedNanos);
        sent++;
    }

    /** Kafka did not take order {@code seq}: it was never placed, and the run is no longer measuring what it should. */
    synchronized void failed(final long seq, final Exception cause) {
        if (inFlight.remove(seq) != null) {
            sent--;
            failedSends++;
            if (firstFailure == null) {
                firstFailure = cause;
            }
            room.release();
        }
    }

    /** The first send that failed, or null. */
    public synchronized Exception firstFailure() {
        return firstFailure;
    }

    /** A terminal event for {@code orderId}, read at {@code atNanos}. */
    synchronized Ending ended(final String orderId, final OrderStatus status, final long atNanos) {
        final long seq = ids.seq(orderId);
        if (seq < 0 || seq > Integer.MAX_VALUE) {
            return Ending.NOT_PLACED;
        }
        final Long placedAt = inFlight.remove(seq);
        if (placedAt == null) {
            if (!ended.get((int) seq)) {
                return Ending.NOT_PLACED;
            }
            duplicates++;
            if (duplicateSample.size() < SAMPLE) {
                duplicateSample.add(orderId);
            }
            return Ending.DUPLICATE;
        }
        ended.set((int) seq);
        endedCount++;
        states.merge(status, 1L, Long::sum);
        latencies.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (atNanos - placedAt) / 1000)));
        lastEndedNanos = Math.max(lastEndedNanos, atNanos);
        room.release();
        return Ending.FIRST;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(
                sent,
                endedCount,
                inFlight.size(),
                failedSends,
                duplicates,
                endedCount == 0 ? 0 : latencies.getValueAtPercentile(99) / 1000.0);
    }

    /** Everything counted so far, with up to {@value #SAMPLE} ids of the orders still in flight. */
    public synchronized Result result() {
        final List<String> notEnded =
                inFlight.keySet().stream().sorted().limit(SAMPLE).map(ids::id).toList();
        return new Result(
                sent,
                failedSends,
                endedCount,
                firstSentNanos,
                lastSentNanos,
                maxBehindNanos,
                windowFilled,
                lastEndedNanos,
                latencies.copy(),
                new EnumMap<>(states),
                inFlight.size(),
                notEnded,
                duplicates,
                List.copyOf(duplicateSample));
    }

    /** Figures for the progress display. */
    public record Snapshot(long sent, long ended, long inFlight, long failedSends, long duplicates, double p99Ms) {}

    /**
     * @param maxBehindNanos how far the sender fell behind its schedule at most (0 at the maximum rate)
     * @param windowFilled whether the sender ever had to wait for room in the window
     * @param latencies placed → terminal, in microseconds
     * @param notEnded orders placed that had no terminal event yet
     */
    record Result(
            long sent,
            long failedSends,
            long ended,
            long firstSentNanos,
            long lastSentNanos,
            long maxBehindNanos,
            boolean windowFilled,
            long lastEndedNanos,
            Histogram latencies,
            Map<OrderStatus, Long> states,
            long notEnded,
            List<String> notEndedSample,
            long duplicates,
            List<String> duplicateSample) {

        Result {
            Objects.requireNonNull(latencies);
            states = Collections.unmodifiableMap(states);
        }
    }
}
