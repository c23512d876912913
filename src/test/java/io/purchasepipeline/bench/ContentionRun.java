package io.purchasepipeline.bench;

import java.util.Arrays;

/**
 * The figures of one workload through one strategy at one concurrency.
 *
 * @param side {@code streams} or {@code sql}
 * @param strategy {@code streams_store}, or the SQL strategy
 * @param clients concurrent clients: JDBC connections for SQL, producers for streams
 * @param inFlight attempts sent and not yet answered at most (streams; for SQL, the clients)
 * @param retries optimistic retries after a version conflict
 * @param cpu for streams, the CPU time the run cost in this JVM (broker, pipeline and bench client)
 *        and in the pipeline's stream threads alone, per 1,000 attempts: a figure that, unlike
 *        attempts/s, does not depend on what else the machine runs; null for SQL
 */
public record ContentionRun(
        String workload,
        String side,
        String strategy,
        int clients,
        int inFlight,
        int attempts,
        long succeeded,
        double seconds,
        double attemptsPerS,
        double p50Ms,
        double p99Ms,
        long oversold,
        long lostUpdates,
        long doubleBookings,
        long inconsistent,
        long retries,
        CpuCost cpu) {

    /** CPU milliseconds per 1,000 attempts. */
    public record CpuCost(double jvmMsPerThousand, double streamThreadsMsPerThousand) {}

    public static final String STREAMS = "streams";
    public static final String SQL = "sql";
    public static final String STREAMS_STORE = "streams_store";

    /**
     * @param latencyNanos each attempt's time from its start to its answer
     * @param elapsedNanos from the first attempt's start to the last answer
     */
    public static ContentionRun of(
            final ContentionWorkload workload,
            final String side,
            final String strategy,
            final int clients,
            final int inFlight,
            final long[] latencyNanos,
            final long elapsedNanos,
            final ContentionCheck check,
            final long retries,
            final CpuCost cpu) {
        final long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        final double seconds = elapsedNanos / 1e9;
        return new ContentionRun(
                workload.name(),
                side,
                strategy,
                clients,
                inFlight,
                workload.attempts(),
                check.succeeded(),
                round(seconds, 3),
                round(workload.attempts() / seconds, 0),
                millis(percentile(sorted, 0.50)),
                millis(percentile(sorted, 0.99)),
                check.oversold(),
                check.lostUpdates(),
                check.doubleBookings(),
                check.inconsistent(),
                retries,
                cpu);
    }

    /** Whether this strategy promises correctness: every one but the naive read-then-write. */
    public boolean mustNotOversell() {
        return !SqlStrategy.NAIVE.label().equals(strategy);
    }

    static long percentile(final long[] sorted, final double p) {
        final int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double millis(final long nanos) {
        return round(nanos / 1e6, 2);
    }

    private static double round(final double value, final int decimals) {
        final double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
