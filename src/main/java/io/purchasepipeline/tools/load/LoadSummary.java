package io.purchasepipeline.tools.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.verify.VerificationReport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * What a load run did and found, printed for an operator ({@link #text()}) and written as JSON for
 * scripts from the same record, so the two never disagree. Rates are over the measured interval:
 * offered from the first order sent to the last, achieved from the first order sent to the last
 * order ended.
 *
 * @param run the run's tag, which its order ids, customers and seats carry
 * @param seed the seed of the order mix: the same seed and settings give the same orders
 * @param settings what was asked for
 * @param ordersSent orders Kafka took (sends that failed are not counted)
 * @param sendFailures orders Kafka did not take; the run stops sending at the first
 * @param sendFailure why the first one failed, or null
 * @param stopped why sending stopped
 * @param sendSeconds from the first order sent to the last
 * @param offeredPerSecond orders sent per second over {@code sendSeconds}
 * @param behindScheduleMs at a fixed rate, how late the sender sent an order at most
 * @param windowFilled whether the sender had to wait for room in the window of orders in flight: at
 *     a fixed rate, the pipeline did not keep up with it
 * @param ended orders whose terminal event was read
 * @param elapsedSeconds from the first order sent to the last order ended
 * @param achievedPerSecond orders ended per second over {@code elapsedSeconds}
 * @param latencyMs placed → terminal
 * @param terminalStates orders per terminal state (every terminal state listed, zeros included)
 * @param notEnded orders sent without a terminal event within the timeout
 * @param notEndedSample some of their ids
 * @param duplicates terminal events of orders that had already ended
 * @param duplicateSample some of their order ids
 * @param invariants the contract's invariants over the topics after the run; null when not checked
 * @param http how the orders went in over HTTP; null when they were written to Kafka directly
 */
public record LoadSummary(
        String run,
        long seed,
        Settings settings,
        long ordersSent,
        long sendFailures,
        String sendFailure,
        OrderSender.Stop stopped,
        double sendSeconds,
        double offeredPerSecond,
        double behindScheduleMs,
        boolean windowFilled,
        long ended,
        double elapsedSeconds,
        double achievedPerSecond,
        Latency latencyMs,
        Map<OrderStatus, Long> terminalStates,
        long notEnded,
        List<String> notEndedSample,
        long duplicates,
        List<String> duplicateSample,
        Invariants invariants,
        Http http) {

    /** Kafka did not take every order: the figures are not those of the run asked for. */
    static final int SEND_FAILED = 1;
    /** As {@code verify}: an order did not end, ended twice, or an invariant is broken. */
    public static final int VIOLATED = 3;
    /** Later than this, a fixed-rate sender was held back by the window rather than by a busy moment of its own. */
    static final double BEHIND = 100;

    public LoadSummary {
        terminalStates = Collections.unmodifiableMap(new LinkedHashMap<>(terminalStates));
        notEndedSample = List.copyOf(notEndedSample);
        duplicateSample = List.copyOf(duplicateSample);
    }

    public static LoadSummary of(
            final String run,
            final long seed,
            final Settings settings,
            final Outcomes.Result result,
            final Exception sendFailure,
            final OrderSender.Stop stopped,
            final VerificationReport report,
            final Http http) {
        final double sendSeconds = seconds(result.lastSentNanos() - result.firstSentNanos());
        final double elapsedSeconds =
                result.ended() == 0 ? 0 : seconds(result.lastEndedNanos() - result.firstSentNanos());
        return new LoadSummary(
                run,
                seed,
                settings,
                result.sent(),
                result.failedSends(),
                sendFailure == null ? null : String.valueOf(sendFailure.getMessage()),
                stopped,
                round(sendSeconds, 3),
                // n orders sent on a schedule span n - 1 periods
                sendSeconds > 0 ? round((result.sent() - 1) / sendSeconds, 1) : 0,
                round(result.maxBehindNanos() / 1e6, 1),
                result.windowFilled(),
                result.ended(),
                round(elapsedSeconds, 3),
                elapsedSeconds > 0 ? round(result.ended() / elapsedSeconds, 1) : 0,
                Latency.of(result.latencies()),
                result.states(),
                result.notEnded(),
                result.notEndedSample(),
                result.duplicates(),
                result.duplicateSample(),
                report == null ? null : Invariants.of(report),
                http);
    }

    /** Every order sent ended exactly once, Kafka took every order, and the invariants hold (when checked). */
    @JsonProperty("ok")
    boolean ok() {
        return exitCode() == 0;
    }

    public int exitCode() {
        if (notEnded > 0 || duplicates > 0 || invariants != null && !invariants.ok()) {
            return VIOLATED;
        }
        return sendFailures > 0 ? SEND_FAILED : 0;
    }

    public String text() {
        final StringBuilder out = new StringBuilder();
        line(
                out,
                "Sent       %,d orders in %.1f s: %,.0f orders/s offered (rate %s, at most %,d in flight); %,d failed%s",
                ordersSent,
                sendSeconds,
                offeredPerSecond,
                settings.rate(),
                settings.maxInFlight(),
                sendFailures,
                sendFailure == null ? "" : " (" + sendFailure + ")");
        if (http != null) {
            line(
                    out,
                    "HTTP       %d clients over %s: answers %s; accepted in p50 %.1f ms, p99 %.1f ms, max %.1f ms%s",
                    http.clients(),
                    String.join(", ", http.instances()),
                    http.answers().entrySet().stream()
                            .map(entry -> String.format(Locale.ROOT, "%d: %,d", entry.getKey(), entry.getValue()))
                            .collect(Collectors.joining(", ")),
                    http.answerMs().p50(),
                    http.answerMs().p99(),
                    http.answerMs().max(),
                    http.notAccepted() == 0
                            ? ""
                            : String.format(Locale.ROOT, "; NOT accepted: %,d", http.notAccepted()));
        }
        if (behindScheduleMs >= BEHIND) {
            line(
                    out,
                    "Behind     the schedule by up to %.1f s: %s",
                    behindScheduleMs / 1000,
                    windowFilled
                            ? "the window of orders in flight filled up, the pipeline did not keep up with rate "
                                    + settings.rate()
                            : "the sender itself was held up (a busy machine, a slow send)");
        }
        if (stopped != OrderSender.Stop.ORDERS && stopped != OrderSender.Stop.DURATION) {
            line(out, "Stopped    early: %s", stopped.reason());
        }
        line(out, "Ended      %,d in %.1f s: %,.0f orders/s achieved", ended, elapsedSeconds, achievedPerSecond);
        line(
                out,
                "Latency    placed -> terminal, ms: p50 %.1f, p95 %.1f, p99 %.1f, p99.9 %.1f, max %.1f (mean %.1f)",
                latencyMs.p50(),
                latencyMs.p95(),
                latencyMs.p99(),
                latencyMs.p999(),
                latencyMs.max(),
                latencyMs.mean());
        line(
                out,
                "States     %s",
                terminalStates.entrySet().stream()
                        .map(entry -> String.format(Locale.ROOT, "%s %,d", entry.getKey(), entry.getValue()))
                        .collect(Collectors.joining(", ")));
        line(
                out,
                "Not ended  %,d%s",
                notEnded,
                notEnded == 0 ? "" : " within the timeout, e.g. " + String.join(", ", notEndedSample));
        line(
                out,
                "Twice      %,d%s",
                duplicates,
                duplicates == 0 ? "" : " ended again, e.g. " + String.join(", ", duplicateSample));
        if (invariants == null) {
            line(out, "Invariants not checked");
        } else {
            line(
                    out,
                    "Invariants %s",
                    invariants.ok()
                            ? "hold (" + invariants.checks().size() + " checks over the topics)"
                            : "BROKEN: "
                                    + invariants.checks().stream()
                                            .filter(check -> !check.ok())
                                            .map(check ->
                                                    check.name() + " " + check.violations() + " " + check.examples())
                                            .collect(Collectors.joining("; ")));
        }
        line(out, ok() ? "Every order ended exactly once." : "FAILED (exit code %d)", exitCode());
        return out.toString();
    }

    private static void line(final StringBuilder out, final String format, final Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }

    private static double seconds(final long nanos) {
        return Math.max(0, nanos) / 1e9;
    }

    private static double round(final double value, final int digits) {
        final double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /**
     * What the run was asked for.
     *
     * @param rate orders per second, or {@code max}
     * @param orders how many orders at most; null: as many as fit in {@code durationSeconds}
     * @param durationSeconds for how long at most; null: until {@code orders} are sent
     * @param hotShare null: lines spread evenly over the SKUs
     */
    public record Settings(
            String rate,
            Long orders,
            Double durationSeconds,
            int maxInFlight,
            int skus,
            int hotSkus,
            Double hotShare,
            int maxLines,
            double seatStorm,
            int stormSeats,
            double digitalShare,
            long customers,
            Map<String, Double> cards,
            double timeoutSeconds) {}

    /**
     * How the orders went in over HTTP ({@code load --http}).
     *
     * @param instances the base URLs the clients were spread over
     * @param clients concurrent clients, each sending its next order once the previous one was answered
     * @param answers answers by HTTP status
     * @param notAccepted answers other than 202: orders the API did not take
     * @param answerMs request → answer of the accepted orders: what a buyer waits for before the order is theirs
     */
    public record Http(
            List<String> instances, int clients, Map<Integer, Long> answers, long notAccepted, Latency answerMs) {

        public Http {
            instances = List.copyOf(instances);
            answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
        }

        public static Http of(final List<String> instances, final int clients, final HttpAnswers answers) {
            final HttpAnswers.Result result = answers.result();
            return new Http(
                    instances,
                    clients,
                    result.statuses(),
                    result.notAccepted(),
                    Latency.of(result.acceptedLatencies()));
        }
    }

    /** Placed → terminal latencies in milliseconds, to 0.1 ms. */
    record Latency(long count, double p50, double p95, double p99, double p999, double max, double mean) {

        static Latency of(final Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(
                    micros.getTotalCount(),
                    ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(95)),
                    ms(micros.getValueAtPercentile(99)),
                    ms(micros.getValueAtPercentile(99.9)),
                    ms(micros.getMaxValue()),
                    round(micros.getMean() / 1000.0, 1));
        }

        private static double ms(final long micros) {
            return round(micros / 1000.0, 1);
        }
    }

    /** The invariant checks over the topics, each with its number of violations and a few of them. */
    record Invariants(boolean ok, List<Check> checks) {

        static final int EXAMPLES = 3;

        Invariants {
            checks = List.copyOf(checks);
        }

        static Invariants of(final VerificationReport report) {
            return new Invariants(
                    report.ok(),
                    report.checks().stream()
                            .map(check -> new Check(
                                    check.name(),
                                    check.ok(),
                                    check.violations().size(),
                                    check.violations().stream()
                                            .limit(EXAMPLES)
                                            .map(violation ->
                                                    String.join(", ", violation.ids()) + ": " + violation.message())
                                            .toList()))
                            .toList());
        }

        record Check(String name, boolean ok, int violations, List<String> examples) {

            Check {
                examples = List.copyOf(examples);
            }
        }
    }
}
