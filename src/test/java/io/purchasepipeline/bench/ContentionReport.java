package io.purchasepipeline.bench;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The comparison the benchmark is for, from its runs: the streams store's attempts per second on the
 * one hot SKU against PostgreSQL's {@code FOR UPDATE} and against the best correct SQL strategy
 * (each at its best client count), and the oversell of everything that promises none.
 */
final class ContentionReport {

    /** The goals of the issue: one hot key at 10× {@code FOR UPDATE} and 3× the best SQL strategy. */
    static final double GOAL_VS_PESSIMISTIC = 10;

    static final double GOAL_VS_BEST_SQL = 3;

    private final List<ContentionRun> runs;

    ContentionReport(final List<ContentionRun> runs) {
        this.runs = List.copyOf(runs);
    }

    /** The streams store's attempts/s on the one hot SKU, divided by FOR UPDATE's best. */
    Optional<Double> hotSeatRatioVsPessimistic() {
        return ratio(run -> run.strategy().equals(SqlStrategy.PESSIMISTIC.label()));
    }

    /** The same against the best strategy that does not oversell (naive excluded). */
    Optional<Double> hotSeatRatioVsBestSql() {
        return ratio(run -> run.side().equals(ContentionRun.SQL) && run.mustNotOversell());
    }

    /** The same against naive read-then-write, which is fast because it is wrong. */
    Optional<Double> hotSeatRatioVsNaive() {
        return ratio(run -> run.strategy().equals(SqlStrategy.NAIVE.label()));
    }

    /** The best SQL run on the one hot SKU among those {@code sql} selects. */
    Optional<ContentionRun> bestHotSql(final Predicate<ContentionRun> sql) {
        return runs.stream()
                .filter(run -> run.workload().equals(ContentionWorkload.ONE_HOT_SKU))
                .filter(run -> run.side().equals(ContentionRun.SQL))
                .filter(sql)
                .max(Comparator.comparingDouble(ContentionRun::attemptsPerS));
    }

    /** Units oversold, summed over every run that must not oversell (all but naive, streams included). */
    long oversold() {
        return sum(true, ContentionRun::oversold);
    }

    long sum(final boolean mustNotOversell, final ToLongFunction<ContentionRun> figure) {
        return runs.stream()
                .filter(run -> run.mustNotOversell() == mustNotOversell)
                .mapToLong(figure)
                .sum();
    }

    /** Every correct strategy's runs oversold nothing, lost nothing, double-booked nothing, broke no key. */
    boolean correct() {
        return oversold() == 0
                && sum(true, ContentionRun::lostUpdates) == 0
                && sum(true, ContentionRun::doubleBookings) == 0
                && sum(true, ContentionRun::inconsistent) == 0;
    }

    /** The top-level figures of the results file, in a stable order. */
    Map<String, Object> summary() {
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("hot_seat_ratio_vs_pessimistic", hotSeatRatioVsPessimistic().orElse(null));
        summary.put("hot_seat_ratio_vs_best_sql", hotSeatRatioVsBestSql().orElse(null));
        summary.put("hot_seat_ratio_vs_naive", hotSeatRatioVsNaive().orElse(null));
        final OptionalDouble streams =
                hotStreams().stream().mapToDouble(ContentionRun::attemptsPerS).max();
        summary.put("hot_seat_streams_attempts_per_s", streams.isPresent() ? streams.getAsDouble() : null);
        summary.put(
                "hot_seat_best_streams",
                hotStreams().stream()
                        .max(Comparator.comparingDouble(ContentionRun::attemptsPerS))
                        .map(run -> run.strategy() + ", " + run.inFlight() + " in flight, "
                                + Math.round(run.attemptsPerS()) + " attempts/s")
                        .orElse(null));
        summary.put(
                "hot_seat_best_pessimistic",
                bestHotSql(run -> run.strategy().equals(SqlStrategy.PESSIMISTIC.label()))
                        .map(ContentionReport::label)
                        .orElse(null));
        summary.put(
                "hot_seat_best_sql",
                bestHotSql(ContentionRun::mustNotOversell)
                        .map(ContentionReport::label)
                        .orElse(null));
        summary.put("oversold", oversold());
        summary.put("lost_updates", sum(true, ContentionRun::lostUpdates));
        summary.put("double_bookings", sum(true, ContentionRun::doubleBookings));
        summary.put("inconsistent_keys", sum(true, ContentionRun::inconsistent));
        summary.put("naive_oversold", sum(false, ContentionRun::oversold));
        summary.put("naive_lost_updates", sum(false, ContentionRun::lostUpdates));
        summary.put("naive_double_bookings", sum(false, ContentionRun::doubleBookings));
        final Map<String, Boolean> goals = new LinkedHashMap<>();
        goals.put(
                "hot_seat_10x_pessimistic",
                hotSeatRatioVsPessimistic().map(r -> r >= GOAL_VS_PESSIMISTIC).orElse(false));
        goals.put(
                "hot_seat_3x_best_sql",
                hotSeatRatioVsBestSql().map(r -> r >= GOAL_VS_BEST_SQL).orElse(false));
        goals.put("zero_oversell", correct());
        summary.put("goals_met", goals);
        return summary;
    }

    /** The runs as a text table, one line each, grouped by workload as they ran. */
    String table() {
        final StringBuilder table = new StringBuilder(String.format(
                "%-12s %-23s %7s %8s %10s %9s %9s %8s %6s %7s %8s%n",
                "workload",
                "strategy",
                "clients",
                "attempts",
                "attempts/s",
                "p50 ms",
                "p99 ms",
                "oversold",
                "lost",
                "doubles",
                "retries"));
        for (final ContentionRun run : runs) {
            table.append(String.format(
                    "%-12s %-23s %7s %8d %10.0f %9.2f %9.2f %8d %6d %7d %8d%n",
                    run.workload(),
                    run.strategy(),
                    run.side().equals(ContentionRun.STREAMS) ? "w" + run.inFlight() : run.clients(),
                    run.attempts(),
                    run.attemptsPerS(),
                    run.p50Ms(),
                    run.p99Ms(),
                    run.oversold(),
                    run.lostUpdates(),
                    run.doubleBookings(),
                    run.retries()));
        }
        return table.toString();
    }

    private Optional<Double> ratio(final Predicate<ContentionRun> sql) {
        final OptionalDouble streams =
                hotStreams().stream().mapToDouble(ContentionRun::attemptsPerS).max();
        final Optional<ContentionRun> best = bestHotSql(sql);
        if (streams.isEmpty() || best.isEmpty() || best.get().attemptsPerS() <= 0) {
            return Optional.empty();
        }
        return Optional.of(Math.round(streams.getAsDouble() / best.get().attemptsPerS() * 100) / 100.0);
    }

    private List<ContentionRun> hotStreams() {
        return runs.stream()
                .filter(run -> run.workload().equals(ContentionWorkload.ONE_HOT_SKU))
                .filter(run -> run.side().equals(ContentionRun.STREAMS))
                .toList();
    }

    private static String label(final ContentionRun run) {
        return run.strategy() + ", " + run.clients() + (run.clients() == 1 ? " client, " : " clients, ")
                + Math.round(run.attemptsPerS()) + " attempts/s";
    }
}
