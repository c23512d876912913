package io.purchasepipeline.topology;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * Answers that reach a customer's task for an order it does not have (forgotten after its retention
 * and replayed, or a bare reservation command written by hand or by bench/contention): ignored, and
 * said in the log without a line each. The first is logged at once; those that follow within
 * {@link #REPORT_INTERVAL} are counted and reported in one line when the interval has passed (by
 * the task's wall-clock timer). One line per answer cost the stream thread a quarter of its time
 * under such a flood (a profile of bench/contention: formatting and writing the line), and the
 * log held nothing else.
 */
final class UnknownOrderAnswers {

    static final Duration REPORT_INTERVAL = Duration.ofSeconds(30);

    private final Logger log;
    /** Ignored since the last line. */
    private long unreported;
    /** What the last of them was, for the report. */
    private String lastKind;

    private String lastOrderId;
    /** Before this wall-clock time, an ignored answer is counted, not logged. */
    private long quietUntil = Long.MIN_VALUE;

    UnknownOrderAnswers(final Logger log) {
        this.log = log;
    }

    /** One answer of {@code kind} for {@code orderId}, which the task does not have, at wall-clock {@code now}. */
    void ignored(final String kind, final String orderId, final long now) {
        if (unreported == 0 && now >= quietUntil) {
            log.warn(
                    "{} for order {}, which this task does not have (forgotten after its retention?): ignored;"
                            + " more such answers are counted and reported every {} s",
                    kind,
                    orderId,
                    REPORT_INTERVAL.toSeconds());
            quietUntil = now + REPORT_INTERVAL.toMillis();
            return;
        }
        unreported++;
        lastKind = kind;
        lastOrderId = orderId;
    }

    /** Reports the answers counted since the last line, once {@link #REPORT_INTERVAL} has passed since it. */
    void report(final long now) {
        if (unreported == 0 || now < quietUntil) {
            return;
        }
        log.warn(
                "{} more answers for orders this task does not have were ignored in the last {} s (the last: {} for"
                        + " order {})",
                unreported,
                REPORT_INTERVAL.toSeconds(),
                lastKind,
                lastOrderId);
        unreported = 0;
        quietUntil = now + REPORT_INTERVAL.toMillis();
    }
}
