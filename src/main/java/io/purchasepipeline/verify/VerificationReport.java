package io.purchasepipeline.verify;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.purchasepipeline.serdes.OrderStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@code verify} found: what was read, how the orders ended, stock per PHYSICAL SKU, and every
 * check with its violations. The same record is printed for an operator ({@link #text()}) and
 * written as JSON for scripts, so the two can never disagree.
 *
 * @param allowPending whether orders still in flight were tolerated
 * @param recordsRead records read per topic
 * @param orders what became of the records on {@code orders}
 * @param terminalStates accepted orders per terminal state (every terminal state listed, zeros included)
 * @param pending accepted orders without a terminal state yet
 * @param physicalStock units sold by completed orders against units stocked, per PHYSICAL SKU
 * @param truncated the first record left of each partition that retention cut (empty: the whole history was read)
 * @param checks one per invariant, in a stable order
 */
public record VerificationReport(
        boolean allowPending,
        Map<String, Long> recordsRead,
        OrderCounts orders,
        Map<OrderStatus, Long> terminalStates,
        long pending,
        List<SkuStock> physicalStock,
        List<String> truncated,
        List<Check> checks) {

    public VerificationReport {
        recordsRead = Collections.unmodifiableMap(new TreeMap<>(recordsRead));
        terminalStates = Collections.unmodifiableMap(new LinkedHashMap<>(terminalStates));
        physicalStock = List.copyOf(physicalStock);
        truncated = List.copyOf(truncated);
        checks = List.copyOf(checks);
    }

    /** True when every enforced check found nothing; the command's exit code follows it. */
    @JsonProperty("ok")
    public boolean ok() {
        return checks.stream().allMatch(Check::ok);
    }

    /** The check of that name; for callers that look at one invariant. */
    public Check check(final String name) {
        return checks.stream()
                .filter(check -> check.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no check named " + name));
    }

    /** The report as an operator reads it: counts first, then each check and each of its violations. */
    public String text() {
        final StringBuilder out = new StringBuilder();
        final long total =
                recordsRead.values().stream().mapToLong(Long::longValue).sum();
        line(
                out,
                "Read %d records: %s",
                total,
                recordsRead.entrySet().stream()
                        .map(entry -> entry.getKey() + " " + entry.getValue())
                        .collect(Collectors.joining(", ")));
        line(
                out,
                "Orders: %d accepted (%d replays dropped), %d dead-lettered, %d unreadable",
                orders.accepted(),
                orders.replays(),
                orders.deadLettered(),
                orders.unreadable());
        line(
                out,
                "Terminal states: %s; pending %d",
                terminalStates.entrySet().stream()
                        .map(entry -> entry.getKey() + " " + entry.getValue())
                        .collect(Collectors.joining(", ")),
                pending);
        if (!physicalStock.isEmpty()) {
            line(out, "PHYSICAL stock, sold / stocked:");
            physicalStock.forEach(sku -> line(out, "  %-24s %d / %d", sku.sku(), sku.sold(), sku.stocked()));
        }
        if (!truncated.isEmpty()) {
            line(
                    out,
                    "WARNING: retention deleted the start of %s; violations about records before them may be "
                            + "artefacts of the deletion",
                    String.join(", ", truncated));
        }
        for (final Check check : checks) {
            final String verdict = check.violations().isEmpty() ? "ok" : check.enforced() ? "FAIL" : "allowed";
            line(
                    out,
                    "%-8s %-15s %s%s",
                    verdict,
                    check.name(),
                    check.invariant(),
                    check.violations().isEmpty()
                            ? ""
                            : ": " + check.violations().size());
            check.violations()
                    .forEach(violation ->
                            line(out, "           %s: %s", String.join(", ", violation.ids()), violation.message()));
        }
        final long failed = checks.stream().filter(check -> !check.ok()).count();
        line(out, failed == 0 ? "All invariants hold." : failed + " of " + checks.size() + " checks failed.");
        return out.toString();
    }

    private static void line(final StringBuilder out, final String format, final Object... args) {
        out.append(String.format(format, args)).append(System.lineSeparator());
    }

    /**
     * @param records order records read
     * @param accepted distinct order ids the pipeline took in
     * @param replays records of an accepted order id after its first (the pipeline drops them)
     * @param deadLettered order records the pipeline sent to {@code dead-letters}, readable or not
     * @param unreadable order records that are not an order with an id (never accepted)
     */
    public record OrderCounts(long records, long accepted, long replays, long deadLettered, long unreadable) {}

    /** Units of one PHYSICAL SKU sold by completed orders, and its total stocked as last applied. */
    public record SkuStock(String sku, long stocked, long sold) {}

    /**
     * One invariant and what breaks it.
     *
     * @param name a stable id, for scripts
     * @param invariant what must hold, in words
     * @param enforced false when the violations are reported but tolerated ({@code --allow-pending})
     * @param violations each with the ids involved
     */
    public record Check(String name, String invariant, boolean enforced, List<Violation> violations) {

        public Check {
            violations = List.copyOf(violations);
        }

        @JsonProperty("ok")
        public boolean ok() {
            return !enforced || violations.isEmpty();
        }
    }

    /** One breach: the ids involved (orders, SKUs, seats, users, email ids or record positions) and what is wrong. */
    public record Violation(List<String> ids, String message) {

        public Violation {
            ids = List.copyOf(ids);
        }
    }
}
