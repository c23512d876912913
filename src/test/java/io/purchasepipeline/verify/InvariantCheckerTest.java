package io.purchasepipeline.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.SeatOutcome;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.verify.VerificationReport.SkuStock;
import io.purchasepipeline.verify.VerificationReport.Violation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InvariantCheckerTest {

    private static final OrderStatus[] COMPLETED = {
        OrderStatus.PENDING, OrderStatus.RESERVING, OrderStatus.AWAITING_PAYMENT, OrderStatus.COMPLETED
    };

    private InvariantChecker checker = new InvariantChecker(false);
    private long offset;

    @Test
    void cleanHistoryPassesEveryCheckAndCountsTerminalStates() {
        product("book", ProductKind.PHYSICAL, 5L);
        product("seat-1A", ProductKind.SEAT, null);
        product("ebook", ProductKind.DIGITAL, null);
        completed("o-1", line("book", 2), line("ebook", 1));
        completed("o-2", line("seat-1A", 1));
        place("o-3", line("book", 9));
        events("o-3", OrderStatus.PENDING, OrderStatus.RESERVING, OrderStatus.REJECTED_OUT_OF_STOCK);
        place("o-4", line("book", 1));
        events("o-4", OrderStatus.PENDING, OrderStatus.REJECTED_FRAUD);
        place("o-5", line("book", 1));
        events("o-5", OrderStatus.PENDING, OrderStatus.RESERVING, OrderStatus.AWAITING_PAYMENT, OrderStatus.EXPIRED);
        email("o-1/order_received");
        email("o-1/order_completed");

        final VerificationReport report = checker.report();

        assertThat(report.ok()).isTrue();
        assertThat(report.checks())
                .allSatisfy(
                        check -> assertThat(check.violations()).as(check.name()).isEmpty());
        assertThat(report.terminalStates())
                .containsExactly(
                        Map.entry(OrderStatus.COMPLETED, 2L),
                        Map.entry(OrderStatus.REJECTED_FRAUD, 1L),
                        Map.entry(OrderStatus.REJECTED_OUT_OF_STOCK, 1L),
                        Map.entry(OrderStatus.PAYMENT_DECLINED, 0L),
                        Map.entry(OrderStatus.EXPIRED, 1L));
        assertThat(report.pending()).isZero();
        assertThat(report.orders().accepted()).isEqualTo(5);
        assertThat(report.physicalStock()).containsExactly(new SkuStock("book", 5, 2));
        assertThat(report.recordsRead())
                .containsEntry(Topics.ORDERS.name(), 5L)
                .containsEntry(Topics.EMAILS.name(), 2L);
        assertThat(report.text()).contains("All invariants hold.");
    }

    @Nested
    class EveryAcceptedOrderEndsOnce {

        @Test
        void orderWithoutEventsIsPending() {
            place("o-1", line("book", 1));

            final VerificationReport report = checker.report();

            assertThat(report.ok()).isFalse();
            assertThat(report.pending()).isEqualTo(1);
            assertThat(violations(report, InvariantChecker.PENDING))
                    .containsExactly(new Violation(List.of("o-1"), "no events yet"));
        }

        @Test
        void orderWithoutTerminalEventIsPending() {
            place("o-1", line("book", 1));
            events("o-1", OrderStatus.PENDING, OrderStatus.RESERVING, OrderStatus.AWAITING_PAYMENT);

            assertThat(violations(checker.report(), InvariantChecker.PENDING))
                    .singleElement()
                    .satisfies(violation -> assertThat(violation.message()).contains("AWAITING_PAYMENT"));
        }

        @Test
        void pendingOrdersAreReportedButAllowedWhenAsked() {
            checker = new InvariantChecker(true);
            place("o-1", line("book", 1));
            events("o-1", OrderStatus.PENDING);

            final VerificationReport report = checker.report();

            assertThat(report.ok()).isTrue();
            assertThat(report.check(InvariantChecker.PENDING).violations()).hasSize(1);
            assertThat(report.check(InvariantChecker.PENDING).enforced()).isFalse();
            assertThat(report.text()).contains("allowed").contains("o-1");
        }

        @Test
        void gapInSeqIsAViolation() {
            place("o-1", line("book", 1));
            event("o-1", 1, OrderStatus.PENDING);
            event("o-1", 3, OrderStatus.REJECTED_FRAUD);

            assertThat(violations(checker.report(), InvariantChecker.TERMINAL_STATE))
                    .singleElement()
                    .satisfies(violation -> {
                        assertThat(violation.ids()).containsExactly("o-1");
                        assertThat(violation.message()).contains("seq 3 after 1");
                    });
        }

        @Test
        void seqNotStartingAtOneIsAViolation() {
            place("o-1", line("book", 1));
            event("o-1", 2, OrderStatus.PENDING);
            event("o-1", 3, OrderStatus.REJECTED_FRAUD);

            assertThat(violations(checker.report(), InvariantChecker.TERMINAL_STATE))
                    .extracting(Violation::ids)
                    .containsExactly(List.of("o-1"));
        }

        @Test
        void twoTerminalEventsAreAViolation() {
            place("o-1", line("book", 1));
            events(
                    "o-1",
                    OrderStatus.PENDING,
                    OrderStatus.RESERVING,
                    OrderStatus.REJECTED_OUT_OF_STOCK,
                    OrderStatus.EXPIRED);

            final VerificationReport report = checker.report();

            assertThat(violations(report, InvariantChecker.TERMINAL_STATE))
                    .singleElement()
                    .satisfies(violation -> assertThat(violation.message()).contains("2 terminal events"));
            assertThat(violations(report, InvariantChecker.CHARGED_ONCE)).isEmpty();
        }

        @Test
        void eventAfterTheTerminalOneIsAViolation() {
            place("o-1", line("book", 1));
            events("o-1", OrderStatus.PENDING, OrderStatus.REJECTED_FRAUD, OrderStatus.RESERVING);

            assertThat(violations(checker.report(), InvariantChecker.TERMINAL_STATE))
                    .singleElement()
                    .satisfies(violation ->
                            assertThat(violation.message()).contains("RESERVING (seq 3) after REJECTED_FRAUD"));
        }

        @Test
        void eventsOfAnOrderNeverAcceptedAreAViolation() {
            events("o-ghost", OrderStatus.PENDING, OrderStatus.REJECTED_FRAUD);

            assertThat(violations(checker.report(), InvariantChecker.TERMINAL_STATE))
                    .singleElement()
                    .satisfies(violation -> {
                        assertThat(violation.ids()).containsExactly("o-ghost");
                        assertThat(violation.message()).contains("no accepted order");
                    });
        }

        @Test
        void deadLetteredOrderIsNotAccepted() {
            final RecordPosition refused = place("o-1", line("book", 1));
            checker.deadLetter(at(Topics.DEAD_LETTERS), refused);

            final VerificationReport report = checker.report();

            assertThat(report.ok()).isTrue();
            assertThat(report.orders().accepted()).isZero();
            assertThat(report.orders().deadLettered()).isEqualTo(1);
        }

        @Test
        void deadLetterOfAnotherRecordDoesNotHideAnOrder() {
            place("o-1", line("book", 1));
            checker.deadLetter(at(Topics.DEAD_LETTERS), new RecordPosition(Topics.ORDERS.name(), 1, 0));
            checker.deadLetter(at(Topics.DEAD_LETTERS), null);

            assertThat(violations(checker.report(), InvariantChecker.PENDING))
                    .extracting(Violation::ids)
                    .containsExactly(List.of("o-1"));
        }

        @Test
        void unreadableOrderOrOrderWithoutIdIsNotAccepted() {
            checker.unreadable(at(Topics.ORDERS.name()), "not JSON");
            place(" ", line("book", 1));

            final VerificationReport report = checker.report();

            assertThat(report.ok()).isTrue();
            assertThat(report.orders().unreadable()).isEqualTo(2);
            assertThat(report.orders().records()).isEqualTo(2);
        }

        @Test
        void replayedOrderIsOneOrderWithTheLinesOfItsFirstRecord() {
            product("book", ProductKind.PHYSICAL, 1L);
            completed("o-1", line("book", 1));
            place("o-1", line("book", 5));

            final VerificationReport report = checker.report();

            assertThat(report.ok()).isTrue();
            assertThat(report.orders().accepted()).isEqualTo(1);
            assertThat(report.orders().replays()).isEqualTo(1);
            assertThat(report.physicalStock()).containsExactly(new SkuStock("book", 1, 1));
        }

        @Test
        void replayOfADeadLetteredRecordIsTheOrder() {
            product("book", ProductKind.PHYSICAL, 10L);
            checker.deadLetter(at(Topics.DEAD_LETTERS), place("o-1", line("book", 1)));
            place("o-1", line("book", 4));
            events("o-1", COMPLETED);

            final VerificationReport report = checker.report();

            assertThat(report.orders().replays()).isZero();
            assertThat(report.physicalStock()).containsExactly(new SkuStock("book", 10, 4));
        }
    }

    @Nested
    class NoOrderChargedTwice {

        @Test
        void twoCompletedEventsAreADoubleCharge() {
            place("o-1", line("book", 1));
            events(
                    "o-1",
                    OrderStatus.PENDING,
                    OrderStatus.RESERVING,
                    OrderStatus.AWAITING_PAYMENT,
                    OrderStatus.COMPLETED,
                    OrderStatus.COMPLETED);

            final VerificationReport report = checker.report();

            assertThat(violations(report, InvariantChecker.CHARGED_ONCE))
                    .containsExactly(new Violation(List.of("o-1"), "COMPLETED 2 times"));
            assertThat(violations(report, InvariantChecker.TERMINAL_STATE)).hasSize(1);
            assertThat(report.ok()).isFalse();
        }

        @Test
        void completedAndAnotherTerminalStateIsAViolation() {
            place("o-1", line("book", 1));
            events(
                    "o-1",
                    OrderStatus.PENDING,
                    OrderStatus.RESERVING,
                    OrderStatus.AWAITING_PAYMENT,
                    OrderStatus.COMPLETED,
                    OrderStatus.EXPIRED);

            assertThat(violations(checker.report(), InvariantChecker.CHARGED_ONCE))
                    .containsExactly(new Violation(List.of("o-1"), "COMPLETED and [EXPIRED]"));
        }
    }

    @Nested
    class PhysicalStockIsConserved {

        @Test
        void sellingEveryUnitStockedHolds() {
            product("book", ProductKind.PHYSICAL, 5L);
            completed("o-1", line("book", 2), line("book", 1));
            completed("o-2", line("book", 2));

            final VerificationReport report = checker.report();

            assertThat(report.ok()).isTrue();
            assertThat(report.physicalStock()).containsExactly(new SkuStock("book", 5, 5));
        }

        @Test
        void sellingMoreThanStockedIsAViolation() {
            product("book", ProductKind.PHYSICAL, 5L);
            product("mug", ProductKind.PHYSICAL, 3L);
            completed("o-1", line("book", 4), line("mug", 1));
            completed("o-2", line("book", 1), line("book", 1));

            final VerificationReport report = checker.report();

            assertThat(violations(report, InvariantChecker.PHYSICAL_STOCK))
                    .singleElement()
                    .satisfies(violation -> {
                        assertThat(violation.ids()).containsExactly("book");
                        assertThat(violation.message()).startsWith("sold 6 > stocked 5");
                    });
            assertThat(report.physicalStock()).containsExactly(new SkuStock("book", 5, 6), new SkuStock("mug", 3, 1));
            assertThat(report.text()).contains("FAIL").contains("book: sold 6 > stocked 5");
        }

        @Test
        void onlyCompletedOrdersSell() {
            product("book", ProductKind.PHYSICAL, 1L);
            completed("o-1", line("book", 1));
            place("o-2", line("book", 1));
            events(
                    "o-2",
                    OrderStatus.PENDING,
                    OrderStatus.RESERVING,
                    OrderStatus.AWAITING_PAYMENT,
                    OrderStatus.PAYMENT_DECLINED);
            place("o-3", line("book", 1));
            events("o-3", OrderStatus.PENDING, OrderStatus.REJECTED_FRAUD);

            assertThat(checker.report().ok()).isTrue();
        }

        @Test
        void theLastStockAppliedCounts() {
            product("book", ProductKind.PHYSICAL, 2L);
            completed("o-1", line("book", 2));
            product("book", ProductKind.PHYSICAL, 6L);
            completed("o-2", line("book", 4));

            final VerificationReport report = checker.report();

            assertThat(report.ok()).isTrue();
            assertThat(report.physicalStock()).containsExactly(new SkuStock("book", 6, 6));
        }
    }

    @Nested
    class NoSeatToTwoHolders {

        @Test
        void seatInTwoCompletedOrdersIsAViolation() {
            product("seat-1A", ProductKind.SEAT, null);
            completed("o-1", line("seat-1A", 1));
            completed("o-2", line("seat-1A", 1));

            assertThat(violations(checker.report(), InvariantChecker.SEAT_HOLDERS))
                    .singleElement()
                    .satisfies(violation -> {
                        assertThat(violation.ids()).containsExactly("seat-1A", "o-1", "o-2");
                        assertThat(violation.message()).contains("sold 2 times");
                    });
        }

        @Test
        void seatSoldTwiceInOneOrderIsAViolation() {
            product("seat-1A", ProductKind.SEAT, null);
            completed("o-1", line("seat-1A", 1), line("seat-1A", 1));

            assertThat(violations(checker.report(), InvariantChecker.SEAT_HOLDERS))
                    .extracting(Violation::ids)
                    .containsExactly(List.of("seat-1A", "o-1"));
        }

        @Test
        void seatSoldWhileReservedForAUserIsAViolation() {
            product("seat-1A", ProductKind.SEAT, null);
            seat("seat-1A", "bob", SeatOutcome.RESERVED);
            seat("seat-1A", "carol", SeatOutcome.ALREADY_RESERVED);
            completed("o-1", line("seat-1A", 1));

            assertThat(violations(checker.report(), InvariantChecker.SEAT_HOLDERS))
                    .singleElement()
                    .satisfies(violation -> {
                        assertThat(violation.ids()).containsExactly("seat-1A", "o-1", "bob");
                        assertThat(violation.message()).contains("reserved for user bob");
                    });
        }

        @Test
        void seatReleasedByItsUserCanBeSold() {
            product("seat-1A", ProductKind.SEAT, null);
            seat("seat-1A", "bob", SeatOutcome.RESERVED);
            seat("seat-1A", "bob", SeatOutcome.RELEASED);
            completed("o-1", line("seat-1A", 1));
            seat("seat-1A", "carol", SeatOutcome.ALREADY_RESERVED);
            place("o-2", line("seat-1A", 1));
            events("o-2", OrderStatus.PENDING, OrderStatus.RESERVING, OrderStatus.REJECTED_OUT_OF_STOCK);

            assertThat(checker.report().ok()).isTrue();
        }

        @Test
        void seatKnownOnlyFromItsReservationsIsChecked() {
            seat("seat-9", "bob", SeatOutcome.RESERVED);
            seat("nope", "bob", SeatOutcome.NO_SUCH_SEAT);
            completed("o-1", line("seat-9", 1));
            completed("o-2", line("seat-9", 1));
            completed("o-3", line("nope", 2));

            assertThat(violations(checker.report(), InvariantChecker.SEAT_HOLDERS))
                    .extracting(violation -> violation.ids().get(0))
                    .containsExactly("seat-9", "seat-9");
        }
    }

    @Nested
    class NoEmailTwice {

        @Test
        void distinctEmailIdsHold() {
            email("o-1/order_received");
            email("o-1/order_completed");
            email("o-2/order_received");

            assertThat(checker.report().ok()).isTrue();
        }

        @Test
        void emailIdTwiceIsAViolation() {
            email("o-1/order_received");
            email("o-1/order_completed");
            email("o-1/order_received");

            assertThat(violations(checker.report(), InvariantChecker.EMAIL_IDS))
                    .containsExactly(new Violation(List.of("o-1/order_received"), "on emails 2 times"));
        }
    }

    @Nested
    class Readable {

        @Test
        void unreadableRecordOnAnOutputTopicIsAViolation() {
            final RecordPosition bad = at(Topics.ORDER_EVENTS.name());
            checker.unreadable(bad, "not JSON");
            checker.orderEvent(
                    at(Topics.ORDER_EVENTS.name()), new OrderEvent(null, 1, OrderStatus.PENDING, "", 0, null));

            final VerificationReport report = checker.report();

            assertThat(violations(report, InvariantChecker.READABLE))
                    .extracting(violation -> violation.ids().get(0))
                    .containsExactly(bad.toString(), "order-events-0@" + (bad.offset() + 1));
            assertThat(report.recordsRead()).containsEntry(Topics.ORDER_EVENTS.name(), 2L);
        }
    }

    @Test
    void historyCutByRetentionIsSaidInTheReport() {
        checker.truncated(new RecordPosition(Topics.ORDER_EVENTS.name(), 3, 1200));
        checker.truncated(new RecordPosition(Topics.ORDERS.name(), 0, 17));

        final VerificationReport report = checker.report();

        assertThat(report.truncated()).containsExactly("order-events-3@1200", "orders-0@17");
        assertThat(report.text()).contains("WARNING: retention deleted the start of order-events-3@1200, orders-0@17");
    }

    @Test
    void jsonReportHasTheVerdictCountsAndEveryViolation() {
        product("book", ProductKind.PHYSICAL, 1L);
        completed("o-1", line("book", 1));
        completed("o-2", line("book", 1));
        place("o-3", line("book", 1));

        final JsonNode json = JsonSerde.MAPPER.valueToTree(checker.report());

        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("terminalStates").get("COMPLETED").asLong()).isEqualTo(2);
        assertThat(json.get("terminalStates").get("EXPIRED").asLong()).isZero();
        assertThat(json.get("pending").asLong()).isEqualTo(1);
        assertThat(json.get("physicalStock").get(0).get("sold").asLong()).isEqualTo(2);
        final JsonNode stock = checkNode(json, InvariantChecker.PHYSICAL_STOCK);
        assertThat(stock.get("ok").asBoolean()).isFalse();
        assertThat(stock.get("violations").get(0).get("ids").get(0).asText()).isEqualTo("book");
        assertThat(checkNode(json, InvariantChecker.PENDING)
                        .get("violations")
                        .get(0)
                        .get("ids")
                        .get(0)
                        .asText())
                .isEqualTo("o-3");
        assertThat(checkNode(json, InvariantChecker.EMAIL_IDS).get("ok").asBoolean())
                .isTrue();
        assertThat(json.get("truncated")).isEmpty();
        assertThat(json.has("text")).isFalse();
    }

    private static JsonNode checkNode(final JsonNode report, final String name) {
        for (final JsonNode check : report.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name);
    }

    // ---- hand-made records

    private RecordPosition at(final String topic) {
        return new RecordPosition(topic, 0, offset++);
    }

    private RecordPosition place(final String orderId, final OrderLine... lines) {
        final RecordPosition position = at(Topics.ORDERS.name());
        checker.order(
                position,
                new Order(
                        orderId,
                        "c-" + orderId,
                        "Customer",
                        "c@example.com",
                        List.of(lines),
                        new PaymentDetails("4242424242424242")));
        return position;
    }

    private void completed(final String orderId, final OrderLine... lines) {
        place(orderId, lines);
        events(orderId, COMPLETED);
    }

    private void events(final String orderId, final OrderStatus... statuses) {
        for (int i = 0; i < statuses.length; i++) {
            event(orderId, i + 1, statuses[i]);
        }
    }

    private void event(final String orderId, final int seq, final OrderStatus status) {
        checker.orderEvent(at(Topics.ORDER_EVENTS.name()), new OrderEvent(orderId, seq, status, "", 0, null));
    }

    private void product(final String sku, final ProductKind kind, final Long stock) {
        checker.product(at(Topics.PRODUCTS.name()), sku, new Product(sku, sku, kind, BigDecimal.TEN, stock));
    }

    private void seat(final String seat, final String user, final SeatOutcome outcome) {
        final String reservedFor = switch (outcome) {
            case RESERVED -> user;
            case RELEASED, NOT_RESERVED, NO_SUCH_SEAT -> null;
            case ALREADY_RESERVED, RESERVED_BY_OTHER -> "someone";
        };
        checker.seatResult(
                at(Topics.SEAT_RESERVATION_RESULTS.name()),
                new SeatResult("req-" + offset, seat, user, outcome, reservedFor));
    }

    private void email(final String emailId) {
        checker.email(
                at(Topics.EMAILS.name()),
                new EmailRequest(emailId, EmailKind.ORDER_RECEIVED, "o", "c", "C", "c@example.com"));
    }

    private static OrderLine line(final String sku, final int quantity) {
        return new OrderLine(sku, quantity);
    }

    private static List<Violation> violations(final VerificationReport report, final String check) {
        return report.check(check).violations();
    }
}
