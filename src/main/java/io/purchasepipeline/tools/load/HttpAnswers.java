package io.purchasepipeline.tools.load;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The answers to the run's {@code POST /orders}: how many of each status, and how long the
 * accepted ones ({@value #ACCEPTED}) took from the request sent to the answer read, which is what
 * a storefront's buyer waits for before the order is theirs.
 */
public final class HttpAnswers {

    /** The intake's answer to an order it took: Kafka has it. */
    static final int ACCEPTED = 202;
    /** Answer times in microseconds, up to ten minutes: longer than any request timeout. */
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Histogram accepted = new Histogram(HIGHEST_MICROS, 3);
    private final Map<Integer, Long> statuses = new TreeMap<>();

    /** An answer of {@code status}, {@code nanos} after its request was sent. */
    synchronized void answered(final int status, final long nanos) {
        statuses.merge(status, 1L, Long::sum);
        if (status == ACCEPTED) {
            accepted.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
        }
    }

    synchronized Result result() {
        return new Result(new TreeMap<>(statuses), accepted.copy());
    }

    /**
     * @param statuses answers by HTTP status
     * @param acceptedLatencies request → answer of the accepted orders, in microseconds
     */
    record Result(Map<Integer, Long> statuses, Histogram acceptedLatencies) {

        Result {
            statuses = Collections.unmodifiableMap(new TreeMap<>(statuses));
        }

        /** Answers other than {@value #ACCEPTED}: orders the API did not take. */
        long notAccepted() {
            return statuses.entrySet().stream()
                    .filter(entry -> entry.getKey() != ACCEPTED)
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }
}
