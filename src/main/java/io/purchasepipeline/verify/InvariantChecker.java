package io.purchasepipeline.verify;

import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.SeatOutcome;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.verify.VerificationReport.Check;
import io.purchasepipeline.verify.VerificationReport.OrderCounts;
import io.purchasepipeline.verify.VerificationReport.SkuStock;
import io.purchasepipeline.verify.VerificationReport.Violation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

// Over 300 lines: one method per invariant of the contract, each reading the same summaries of the topics.
/**
 * Checks the contract's invariants from what the pipeline's topics hold, not from its stores: the
 * topics are the durable, public record of what was asked ({@code orders}) and what happened
 * ({@code order-events}, {@code products}, {@code seat-reservation-results}, {@code emails},
 * {@code dead-letters}), and they outlive any instance.
 *
 * <p>Feed it every record of those topics, each partition in its order (topics in any order, as
 * nothing is judged before {@link #report()}), then ask for the report. It keeps only what the
 * checks need: each order's lines, each order's trail summarised as it goes, the last product per
 * SKU, the user holding each seat, and a count per email id.
 */
public final class InvariantChecker {

    static final String TERMINAL_STATE = "terminal-state";
    static final String PENDING = "pending";
    static final String CHARGED_ONCE = "charged-once";
    static final String PHYSICAL_STOCK = "physical-stock";
    static final String SEAT_HOLDERS = "seat-holders";
    static final String EMAIL_IDS = "email-ids";
    static final String READABLE = "readable";

    private final boolean allowPending;
    private final Map<String, Long> recordsRead = new TreeMap<>();
    /** Every readable order record per order id, in the order read: the first one not dead-lettered is the order. */
    private final Map<String, List<Placed>> placed = new HashMap<>();

    private final Set<RecordPosition> deadLettered = new HashSet<>();
    private long deadLetteredOrders;
    private long unreadableOrders;
    private final Map<String, Trail> trails = new HashMap<>();
    /** The last applied product per SKU; a tombstone removes it. */
    private final Map<String, Product> products = new HashMap<>();
    /** Every seat the seat commands found, with the user reserving it (absent when free or released). */
    private final Set<String> seats = new HashSet<>();

    private final Map<String, String> seatUsers = new HashMap<>();
    private final Map<String, Integer> emailCounts = new HashMap<>();
    private final List<Violation> unreadable = new ArrayList<>();
    private final List<RecordPosition> truncated = new ArrayList<>();

    /** @param allowPending report orders still in flight without failing on them (a pipeline not yet drained) */
    public InvariantChecker(final boolean allowPending) {
        this.allowPending = allowPending;
    }

    /** A readable record of {@code orders}. An order without an id is refused by the pipeline, so it is counted as unreadable. */
    public void order(final RecordPosition at, final Order order) {
        count(at);
        if (order.orderId() == null || order.orderId().isBlank()) {
            unreadableOrders++;
            return;
        }
        placed.computeIfAbsent(order.orderId(), id -> new ArrayList<>(1)).add(new Placed(at, mergedLines(order)));
    }

    /**
     * A record of {@code dead-letters}; {@code source} is the record it stands for, or null when its
     * headers do not say. A dead-lettered order record was never accepted.
     */
    public void deadLetter(final RecordPosition at, final RecordPosition source) {
        count(at);
        if (source != null) {
            deadLettered.add(source);
            if (Topics.ORDERS.name().equals(source.topic())) {
                deadLetteredOrders++;
            }
        }
    }

    /** A record of {@code order-events}; the events of one order must come in their partition's order. */
    public void orderEvent(final RecordPosition at, final OrderEvent event) {
        if (event.orderId() == null || event.status() == null) {
            unreadable(at, "order event without an orderId or a status");
            return;
        }
        count(at);
        trails.computeIfAbsent(event.orderId(), id -> new Trail()).add(event);
    }

    /** A record of {@code products} (null: the SKU was deleted); the last one per SKU is its state. */
    public void product(final RecordPosition at, final String sku, final Product product) {
        count(at);
        if (product == null) {
            products.remove(sku);
        } else {
            products.put(sku, product);
        }
    }

    /** A record of {@code seat-reservation-results}; one seat's results must come in their partition's order. */
    public void seatResult(final RecordPosition at, final SeatResult result) {
        if (result.seatId() == null || result.outcome() == null) {
            unreadable(at, "seat result without a seatId or an outcome");
            return;
        }
        count(at);
        if (result.outcome() != SeatOutcome.NO_SUCH_SEAT) {
            seats.add(result.seatId());
        }
        if (result.outcome() == SeatOutcome.RESERVED) {
            seatUsers.put(result.seatId(), result.reservedFor() != null ? result.reservedFor() : result.user());
        } else if (result.outcome() == SeatOutcome.RELEASED) {
            seatUsers.remove(result.seatId());
        }
    }

    /** A record of {@code emails}. */
    public void email(final RecordPosition at, final EmailRequest email) {
        if (email.emailId() == null) {
            unreadable(at, "email without an emailId");
            return;
        }
        count(at);
        emailCounts.merge(email.emailId(), 1, Integer::sum);
    }

    /**
     * A record that cannot be read as its topic's type. On {@code orders} that is a customer's
     * input the pipeline refuses (never accepted); on a topic the pipeline writes, it is a violation,
     * as a record nobody can read could hide any other.
     */
    public void unreadable(final RecordPosition at, final String reason) {
        count(at);
        if (Topics.ORDERS.name().equals(at.topic())) {
            unreadableOrders++;
        } else {
            unreadable.add(new Violation(List.of(at.toString()), reason));
        }
    }

    /**
     * A partition whose first record left is at {@code first}, past offset 0: retention deleted the
     * ones before. The checks then see part of the history (an order without its events, events
     * without their order), so the report says so rather than pretend it saw everything.
     */
    public void truncated(final RecordPosition first) {
        truncated.add(first);
    }

    /** Judges everything fed so far. */
    public VerificationReport report() {
        final Intake intake = intake();
        final Map<String, Map<String, Integer>> soldBySku = soldBySku(intake.accepted());
        final List<SkuStock> stock = physicalStock(soldBySku);
        final List<Violation> pending = pending(intake.accepted().keySet());
        final List<Check> checks = List.of(
                new Check(
                        TERMINAL_STATE,
                        "every accepted order's events run seq 1..n and end in exactly one terminal state",
                        true,
                        trailViolations(intake.accepted().keySet())),
                new Check(
                        PENDING,
                        "no accepted order is still without a terminal state (the pipeline is drained)",
                        !allowPending,
                        pending),
                new Check(
                        CHARGED_ONCE,
                        "no order is completed (charged) twice or both completed and otherwise ended",
                        true,
                        doubleCharges()),
                new Check(
                        PHYSICAL_STOCK,
                        "per PHYSICAL SKU, units sold by completed orders <= units stocked",
                        true,
                        stock.stream()
                                .filter(sku -> sku.sold() > sku.stocked())
                                .map(sku -> new Violation(
                                        List.of(sku.sku()), "sold " + sku.sold() + " > stocked " + sku.stocked()))
                                .toList()),
                new Check(
                        SEAT_HOLDERS,
                        "no seat is sold to two orders, or sold and still reserved for a user",
                        true,
                        seatViolations(soldBySku)),
                new Check(EMAIL_IDS, "no email id is on " + Topics.EMAILS.name() + " twice", true, duplicateEmails()),
                new Check(READABLE, "every record the pipeline wrote can be read", true, unreadable));
        return new VerificationReport(
                allowPending,
                recordsRead,
                new OrderCounts(
                        intake.records(),
                        intake.accepted().size(),
                        intake.replays(),
                        deadLetteredOrders,
                        unreadableOrders),
                terminalStates(intake.accepted().keySet()),
                pending.size(),
                stock,
                truncated.stream().map(RecordPosition::toString).sorted().toList(),
                checks);
    }

    /** The orders the pipeline took in: per order id, the lines of its first record that was not dead-lettered. */
    private Intake intake() {
        final Map<String, Map<String, Integer>> accepted = new TreeMap<>();
        long records = unreadableOrders;
        long replays = 0;
        for (final Map.Entry<String, List<Placed>> entry : placed.entrySet()) {
            records += entry.getValue().size();
            final List<Placed> kept = entry.getValue().stream()
                    .filter(record -> !deadLettered.contains(record.at()))
                    .toList();
            if (!kept.isEmpty()) {
                accepted.put(entry.getKey(), kept.get(0).lines());
                replays += kept.size() - 1;
            }
        }
        return new Intake(accepted, records, replays);
    }

    private Map<OrderStatus, Long> terminalStates(final Set<String> accepted) {
        final Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        Stream.of(OrderStatus.values()).filter(OrderStatus::terminal).forEach(status -> counts.put(status, 0L));
        for (final String orderId : accepted) {
            final Trail trail = trails.get(orderId);
            if (trail != null && !trail.terminals.isEmpty()) {
                counts.merge(trail.terminals.get(0), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Accepted orders without a terminal state: in flight, or lost if the pipeline is drained. */
    private List<Violation> pending(final Set<String> accepted) {
        final List<Violation> pending = new ArrayList<>();
        for (final String orderId : accepted) {
            final Trail trail = trails.get(orderId);
            if (trail == null) {
                pending.add(new Violation(List.of(orderId), "no events yet"));
            } else if (trail.terminals.isEmpty()) {
                pending.add(new Violation(
                        List.of(orderId), "still " + trail.last + " after " + trail.events + " event(s)"));
            }
        }
        return pending;
    }

    private List<Violation> trailViolations(final Set<String> accepted) {
        final List<Violation> violations = new ArrayList<>();
        new TreeMap<>(trails).forEach((orderId, trail) -> {
            final List<String> problems = new ArrayList<>();
            if (!accepted.contains(orderId)) {
                problems.add("events on " + Topics.ORDER_EVENTS.name() + " but no accepted order on "
                        + Topics.ORDERS.name());
            }
            problems.addAll(trail.problems());
            if (!problems.isEmpty()) {
                violations.add(new Violation(List.of(orderId), String.join("; ", problems)));
            }
        });
        return violations;
    }

    /** Per SKU, the completed orders that bought it and how many units each. */
    private Map<String, Map<String, Integer>> soldBySku(final Map<String, Map<String, Integer>> accepted) {
        final Map<String, Map<String, Integer>> sold = new TreeMap<>();
        trails.forEach((orderId, trail) -> {
            if (trail.terminals.contains(OrderStatus.COMPLETED)) {
                accepted.getOrDefault(orderId, Map.of())
                        .forEach((sku, quantity) ->
                                sold.computeIfAbsent(sku, s -> new TreeMap<>()).put(orderId, quantity));
            }
        });
        return sold;
    }

    private List<SkuStock> physicalStock(final Map<String, Map<String, Integer>> soldBySku) {
        return new TreeMap<>(products)
                .entrySet().stream()
                        .filter(entry -> entry.getValue().kind() == ProductKind.PHYSICAL)
                        .map(entry -> new SkuStock(
                                entry.getKey(),
                                entry.getValue().stock() == null
                                        ? 0
                                        : entry.getValue().stock(),
                                units(soldBySku.getOrDefault(entry.getKey(), Map.of()))))
                        .toList();
    }

    private List<Violation> doubleCharges() {
        final List<Violation> violations = new ArrayList<>();
        new TreeMap<>(trails).forEach((orderId, trail) -> {
            final long completions = trail.terminals.stream()
                    .filter(status -> status == OrderStatus.COMPLETED)
                    .count();
            final List<OrderStatus> others = trail.terminals.stream()
                    .filter(status -> status != OrderStatus.COMPLETED)
                    .toList();
            if (completions > 1) {
                violations.add(new Violation(List.of(orderId), "COMPLETED " + completions + " times"));
            } else if (completions == 1 && !others.isEmpty()) {
                violations.add(new Violation(List.of(orderId), "COMPLETED and " + others));
            }
        });
        return violations;
    }

    /**
     * A seat is one unit: completed orders may buy it once in all. A user's reservation still
     * standing at the end (reserved, never released) on a sold seat is a second holder, as a sold
     * seat is never given back and a reserved one can never be sold.
     */
    private List<Violation> seatViolations(final Map<String, Map<String, Integer>> soldBySku) {
        final Set<String> allSeats = new TreeSet<>(seats);
        products.forEach((sku, product) -> {
            if (product.kind() == ProductKind.SEAT) {
                allSeats.add(sku);
            }
        });
        final List<Violation> violations = new ArrayList<>();
        for (final String seat : allSeats) {
            final Map<String, Integer> buyers = soldBySku.getOrDefault(seat, Map.of());
            if (units(buyers) > 1) {
                violations.add(new Violation(
                        Stream.concat(Stream.of(seat), buyers.keySet().stream()).toList(),
                        "sold " + units(buyers) + " times, to orders " + String.join(", ", buyers.keySet())));
            }
            final String user = seatUsers.get(seat);
            if (!buyers.isEmpty() && user != null) {
                violations.add(new Violation(
                        Stream.of(Stream.of(seat), buyers.keySet().stream(), Stream.of(user))
                                .flatMap(ids -> ids)
                                .toList(),
                        "sold to order " + String.join(", ", buyers.keySet()) + " and reserved for user " + user));
            }
        }
        return violations;
    }

    private List<Violation> duplicateEmails() {
        return emailCounts.entrySet().stream()
                .filter(entry -> entry.getValue() > 1)
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> new Violation(
                        List.of(entry.getKey()), "on " + Topics.EMAILS.name() + " " + entry.getValue() + " times"))
                .toList();
    }

    private void count(final RecordPosition at) {
        recordsRead.merge(at.topic(), 1L, Long::sum);
    }

    private static long units(final Map<String, Integer> quantities) {
        return quantities.values().stream().mapToLong(Integer::longValue).sum();
    }

    /** As the pipeline holds them: one line per SKU, two lines of one SKU are one line of their sum. */
    private static Map<String, Integer> mergedLines(final Order order) {
        final Map<String, Integer> lines = new LinkedHashMap<>();
        for (final OrderLine line : order.items()) {
            if (line != null && line.sku() != null) {
                lines.merge(line.sku(), line.quantity(), Integer::sum);
            }
        }
        return Map.copyOf(lines);
    }

    /** One readable order record. */
    private record Placed(RecordPosition at, Map<String, Integer> lines) {}

    /** What became of the order records: the accepted orders' lines, records read, replays dropped. */
    private record Intake(Map<String, Map<String, Integer>> accepted, long records, long replays) {}

    /** One order's events, summarised as they come so that a long topic needs little memory. */
    private static final class Trail {

        private int events;
        private int lastSeq;
        private OrderStatus last;
        private final List<OrderStatus> terminals = new ArrayList<>(1);
        private final List<String> seqProblems = new ArrayList<>();
        private final List<String> afterTerminal = new ArrayList<>();

        void add(final OrderEvent event) {
            events++;
            if (event.seq() != lastSeq + 1) {
                seqProblems.add("seq " + event.seq() + " after " + lastSeq);
            }
            lastSeq = event.seq();
            if (!terminals.isEmpty() && !event.status().terminal()) {
                afterTerminal.add(event.status() + " (seq " + event.seq() + ") after " + terminals.get(0));
            }
            if (event.status().terminal()) {
                terminals.add(event.status());
            }
            last = event.status();
        }

        /** What is wrong with the trail itself; a trail without a terminal state yet is pending, not wrong. */
        List<String> problems() {
            final List<String> problems = new ArrayList<>();
            if (!seqProblems.isEmpty()) {
                problems.add("seq not contiguous from 1: " + String.join(", ", seqProblems));
            }
            if (terminals.size() > 1) {
                problems.add(terminals.size() + " terminal events " + terminals);
            }
            problems.addAll(afterTerminal);
            return problems;
        }
    }
}
