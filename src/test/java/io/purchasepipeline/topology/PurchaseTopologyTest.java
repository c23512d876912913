package io.purchasepipeline.topology;

import static io.purchasepipeline.topology.PipelineDriver.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FlagAction;
import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.ReservationAction;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatOutcome;
import io.purchasepipeline.stores.Inventory;
import io.purchasepipeline.stores.LineState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PurchaseTopologyTest {

    private static final String OK = GatewayDesk.APPROVED_CARD;

    private GatewayDesk payments;
    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        payments = new GatewayDesk();
        pipeline = new PipelineDriver(payments, Map.of());
        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 10L);
        pipeline.define("tv", ProductKind.PHYSICAL, "2000.00", 5L);
        pipeline.define("ebook", ProductKind.DIGITAL, "9.99", null);
        pipeline.define("seat-1A", ProductKind.SEAT, "120.00", null);
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    @Test
    void completesPaidOrderAndSellsItsUnits() {
        final Order order = pipeline.order("alice", OK, line("book", 2), line("ebook", 1));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(statuses(pipeline.events())).containsExactly(OrderStatus.RESERVING, OrderStatus.COMPLETED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 8L, 0L, 2L);
        assertThat(pipeline.inventory("ebook").sold()).isEqualTo(1);
        assertThat(pipeline.order(order.orderId()).total()).isEqualByComparingTo("59.99");
        assertThat(kinds(pipeline.emails())).containsExactly(EmailKind.ORDER_RECEIVED, EmailKind.ORDER_COMPLETED);
        assertThat(payments.operations(order.orderId()))
                .containsExactly(PaymentOperation.AUTHORISE, PaymentOperation.CAPTURE);
    }

    @Test
    void auditTrailIsInOrderAndKeyedByOrder() {
        final Order order = pipeline.order("alice", OK, line("book", 1));

        final List<KeyValue<String, OrderEvent>> events = pipeline.events();
        assertThat(events).extracting(event -> event.key).containsOnly(order.orderId());
        assertThat(events).extracting(event -> event.value.seq()).containsExactly(1, 2);
        assertThat(pipeline.order(order.orderId()).events())
                .isEqualTo(events.stream().map(event -> event.value).toList());
    }

    @Test
    void requestsAnEbookPerDigitalLineKeyedByCustomer() {
        final Order order = pipeline.order("alice", OK, line("ebook", 1), line("book", 1));

        assertThat(pipeline.ebooks()).singleElement().satisfies(ebook -> {
            assertThat(ebook.key).isEqualTo("alice");
            assertThat(ebook.value.orderId()).isEqualTo(order.orderId());
            assertThat(ebook.value.sku()).isEqualTo("ebook");
            assertThat(ebook.value.customerName()).isEqualTo("Name of alice");
        });
    }

    @Test
    void completionEmailNamesTheOrdersEbooks() {
        pipeline.order("alice", OK, line("ebook", 1), line("book", 1));

        assertThat(pipeline.emails())
                .filteredOn(email -> email.kind() == EmailKind.ORDER_COMPLETED)
                .singleElement()
                .satisfies(email -> {
                    assertThat(email.total()).isEqualByComparingTo("34.99");
                    assertThat(email.ebooks()).containsExactly(new EbookTitle("ebook", "Product ebook"));
                });
    }

    @Test
    void rejectsOrderAboveAmountLimitAndSendsSecurityNotice() {
        final Order order = pipeline.order("mallory", OK, line("tv", 3));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.REJECTED_FRAUD);
        assertThat(pipeline.order(order.orderId()).fraudReasons()).containsExactly(FraudReason.AMOUNT_LIMIT);
        assertThat(statuses(pipeline.events())).containsExactly(OrderStatus.REJECTED_FRAUD);
        assertThat(kinds(pipeline.emails()))
                .containsExactlyInAnyOrder(EmailKind.ORDER_RECEIVED, EmailKind.SECURITY_NOTICE);
        assertThat(counts(pipeline.inventory("tv"))).containsExactly(5L, 5L, 0L, 0L);
        assertThat(payments.requests()).isEmpty();
    }

    @Test
    void amountLimitIsConfigurable() {
        try (PipelineDriver strict = new PipelineDriver(payments, Map.of(PipelineConfig.FRAUD_AMOUNT_LIMIT, "40"))) {
            strict.define("book", ProductKind.PHYSICAL, "25.00", 10L);

            final Order small = strict.order("alice", OK, line("book", 1));
            final Order large = strict.order("bob", OK, line("book", 2));

            assertThat(strict.order(small.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
            assertThat(strict.order(large.orderId()).status()).isEqualTo(OrderStatus.REJECTED_FRAUD);
        }
    }

    @Test
    void rejectsSecondOrderOfFlaggedCustomerUntilFlagIsCleared() {
        pipeline.order("mallory", OK, line("tv", 3));
        final Order small = pipeline.order("mallory", OK, line("book", 1));

        assertThat(pipeline.order(small.orderId()).status()).isEqualTo(OrderStatus.REJECTED_FRAUD);
        assertThat(pipeline.order(small.orderId()).fraudReasons()).containsExactly(FraudReason.FLAGGED_CUSTOMER);

        pipeline.flag("mallory", FlagAction.CLEAR);
        final Order afterClear = pipeline.order("mallory", OK, line("book", 1));
        assertThat(pipeline.order(afterClear.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
    }

    @Test
    void operatorCanFlagACustomer() {
        pipeline.flag("eve", FlagAction.FLAG);

        final Order order = pipeline.order("eve", OK, line("book", 1));

        assertThat(pipeline.order(order.orderId()).fraudReasons()).containsExactly(FraudReason.FLAGGED_CUSTOMER);
    }

    @Test
    void rejectsOrdersAboveVelocityLimitInsideTheWindow() {
        for (int i = 0; i < 5; i++) {
            final Order order = pipeline.order("speedy", OK, line("ebook", 1));
            assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
            pipeline.advanceRecordTime(Duration.ofSeconds(10));
        }
        final Order sixth = pipeline.order("speedy", OK, line("ebook", 1));

        assertThat(pipeline.order(sixth.orderId()).status()).isEqualTo(OrderStatus.REJECTED_FRAUD);
        assertThat(pipeline.order(sixth.orderId()).fraudReasons()).containsExactly(FraudReason.VELOCITY);
    }

    @Test
    void ordersSpreadBeyondTheVelocityWindowAreClean() {
        for (int i = 0; i < 8; i++) {
            final Order order = pipeline.order("steady", OK, line("ebook", 1));
            assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
            pipeline.advanceRecordTime(Duration.ofSeconds(15));
        }
    }

    @Test
    void processesReplayedOrderOnce() {
        final Order order = pipeline.order("alice", OK, line("book", 3));
        pipeline.place(order);
        pipeline.advanceRecordTime(Duration.ofHours(1));
        pipeline.place(order);

        assertThat(statuses(pipeline.events())).containsExactly(OrderStatus.RESERVING, OrderStatus.COMPLETED);
        assertThat(kinds(pipeline.emails())).containsExactly(EmailKind.ORDER_RECEIVED, EmailKind.ORDER_COMPLETED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 7L, 0L, 3L);
        assertThat(payments.capturesFor(order.orderId())).isEqualTo(1);
    }

    @Test
    void rejectsOrderThatCannotHoldEveryLineAndReleasesTheOthers() {
        pipeline.define("lamp", ProductKind.PHYSICAL, "30.00", 1L);
        final Order order = pipeline.order("alice", OK, line("book", 2), line("lamp", 3));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.REJECTED_OUT_OF_STOCK);
        assertThat(pipeline.order(order.orderId()).lines())
                .extracting(LineState::outcome)
                .containsExactly(LineOutcome.HELD, LineOutcome.OUT_OF_STOCK);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);
        assertThat(counts(pipeline.inventory("lamp"))).containsExactly(1L, 1L, 0L, 0L);
        assertThat(kinds(pipeline.emails())).containsExactly(EmailKind.ORDER_RECEIVED, EmailKind.OUT_OF_STOCK);
        // the authorisation, asked with the holds, answered after the order ended: voided
        assertThat(payments.operations(order.orderId()))
                .containsExactly(PaymentOperation.AUTHORISE, PaymentOperation.VOID);
    }

    @Test
    void rejectsOrderForUnknownSku() {
        final Order order = pipeline.order("alice", OK, line("no-such-thing", 1));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.REJECTED_OUT_OF_STOCK);
        assertThat(pipeline.order(order.orderId()).lines())
                .extracting(LineState::outcome)
                .containsExactly(LineOutcome.UNKNOWN_SKU);
    }

    @Test
    void mergesLinesForTheSameSkuIntoOneHold() {
        final Order order = pipeline.order("alice", OK, line("book", 4), line("book", 3));

        assertThat(pipeline.order(order.orderId()).lines())
                .singleElement()
                .satisfies(merged -> assertThat(merged.quantity()).isEqualTo(7));
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 3L, 0L, 7L);
    }

    @Test
    void declinedPaymentReleasesHoldsAndTellsTheCustomer() {
        final Order declined = pipeline.order("alice", GatewayDesk.DECLINED_CARD, line("book", 2), line("seat-1A", 1));
        final Order poor = pipeline.order("bob", GatewayDesk.INSUFFICIENT_FUNDS_CARD, line("book", 1));

        assertThat(pipeline.order(declined.orderId()).status()).isEqualTo(OrderStatus.PAYMENT_DECLINED);
        assertThat(pipeline.order(poor.orderId()).status()).isEqualTo(OrderStatus.PAYMENT_DECLINED);
        assertThat(pipeline.order(poor.orderId()).payment().authorisation())
                .isEqualTo(PaymentStatus.INSUFFICIENT_FUNDS);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);
        assertThat(pipeline.inventory("seat-1A").seatHolder()).isNull();
        assertThat(kinds(pipeline.emails()))
                .filteredOn(kind -> kind == EmailKind.PAYMENT_FAILED)
                .hasSize(2);
    }

    @Test
    void expiresHoldsThatSeeNoPaymentOutcome() {
        final Order order = pipeline.order("alice", GatewayDesk.UNAVAILABLE_CARD, line("book", 4));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.AWAITING_PAYMENT);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 6L, 4L, 0L);

        pipeline.advanceWallClock(Duration.ofMinutes(9));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.AWAITING_PAYMENT);

        pipeline.advanceWallClock(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);
        assertThat(kinds(pipeline.emails())).containsExactly(EmailKind.ORDER_RECEIVED, EmailKind.ORDER_EXPIRED);
        assertThat(payments.operations(order.orderId())).isEmpty();
    }

    @Test
    void holdTimeoutIsConfigurable() {
        try (PipelineDriver quick = new PipelineDriver(payments, Map.of(PipelineConfig.HOLD_TIMEOUT_MS, "30000"))) {
            quick.define("book", ProductKind.PHYSICAL, "25.00", 10L);
            final Order order = quick.order("alice", GatewayDesk.UNAVAILABLE_CARD, line("book", 1));

            quick.advanceWallClock(Duration.ofSeconds(31));

            assertThat(quick.order(order.orderId()).status()).isEqualTo(OrderStatus.EXPIRED);
        }
    }

    @Test
    void anOrderAnsweredInTimeIsNotExpiredByATaskThatReadsTheAnswerLate() {
        payments.silence();
        final Order order = pipeline.order("alice", OK, line("book", 1));

        // the task falls behind: in 25 minutes of wall clock (more than twice the hold timeout) it
        // reads only what was written in the order's first 5 minutes
        pipeline.readBehind(Duration.ofMinutes(25), Duration.ofMinutes(5));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.RESERVING);

        // the gateway's answer, written 5 minutes after the order, is read only now
        pipeline.resumePayments();

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(statuses(pipeline.events())).containsExactly(OrderStatus.RESERVING, OrderStatus.COMPLETED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 9L, 0L, 1L);
        assertThat(payments.operations(order.orderId()))
                .containsExactly(PaymentOperation.AUTHORISE, PaymentOperation.CAPTURE);
    }

    @Test
    void expiresAnOrderOnceItsTaskHasReadPastItsDeadlineWithoutAnAnswer() {
        payments.silence();
        final Order order = pipeline.order("alice", OK, line("book", 1));

        pipeline.readBehind(Duration.ofMinutes(20), Duration.ofMinutes(9));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.RESERVING);

        pipeline.readBehind(Duration.ofMinutes(2), Duration.ofMinutes(2));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);
    }

    @Test
    void anOrderWithoutAnswerExpiresAHoldTimeoutAfterItsTaskLastReadAnything() {
        payments.silence();
        final Order order = pipeline.order("alice", OK, line("book", 1));
        pipeline.readBehind(Duration.ofMinutes(5), Duration.ofMinutes(1));

        pipeline.advanceWallClock(Duration.ofMinutes(9));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.RESERVING);

        pipeline.advanceWallClock(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);
    }

    @Test
    void anOrderIsExpiredBeforeItsRetentionEndsWhateverItsTaskReads() {
        try (PipelineDriver brief = new PipelineDriver(
                payments,
                Map.of(PipelineConfig.HOLD_TIMEOUT_MS, "60000", PipelineConfig.ORDER_RETENTION_MS, "120000"))) {
            brief.define("book", ProductKind.PHYSICAL, "25.00", 10L);
            payments.silence();
            final Order order = brief.order("alice", OK, line("book", 1));

            // its task goes on reading, but never what was written after the order's first minute
            brief.readBehind(Duration.ofMinutes(1), Duration.ofSeconds(10));
            assertThat(brief.order(order.orderId()).status()).isEqualTo(OrderStatus.RESERVING);
            brief.readBehind(Duration.ofMinutes(1), Duration.ofSeconds(10));

            // forgotten after its retention, but expired first: its hold is given back
            assertThat(brief.order(order.orderId())).isNull();
            assertThat(statuses(brief.events())).containsExactly(OrderStatus.RESERVING, OrderStatus.EXPIRED);
            assertThat(counts(brief.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);
        }
    }

    @Test
    void retriesAnUnansweredAuthorisationWithTheSameKeyUntilItIsAnswered() {
        final AtomicInteger authorisations = new AtomicInteger();
        payments.decideWith(request -> request.operation() != PaymentOperation.AUTHORISE
                ? PaymentStatus.APPROVED
                : authorisations.incrementAndGet() < 3 ? PaymentStatus.UNAVAILABLE : PaymentStatus.APPROVED);
        final Order order = pipeline.order("alice", OK, line("book", 1));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.AWAITING_PAYMENT);

        pipeline.advanceWallClock(Duration.ofSeconds(1));
        assertThat(authorisations).hasValue(2);
        pipeline.advanceWallClock(Duration.ofSeconds(2));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(pipeline.order(order.orderId()).payment().authorisation()).isEqualTo(PaymentStatus.APPROVED);
        assertThat(payments.requests())
                .filteredOn(request -> request.operation() == PaymentOperation.AUTHORISE)
                .extracting(PaymentRequest::idempotencyKey)
                .containsOnly(order.orderId() + "/authorise")
                .hasSize(3);
        pipeline.advanceWallClock(Duration.ofMinutes(11));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(authorisations).hasValue(3);
        assertThat(payments.operations(order.orderId()))
                .containsExactly(PaymentOperation.AUTHORISE, PaymentOperation.CAPTURE);
    }

    @Test
    void anOrderPaidAtTheFirstAttemptWritesNoPaymentRetryTimer() {
        pipeline.order("alice", OK, line("book", 1));
        pipeline.order("bob", GatewayDesk.DECLINED_CARD, line("book", 1));

        assertThat(pipeline.allOrders())
                .hasSize(2)
                .allSatisfy(state -> assertThat(state.payment().retryAt()).isNull());
    }

    @Test
    void anAuthorisationUnansweredUntilTheOrderExpiredIsVoidedOnceAnswered() {
        payments.decideWith(request -> PaymentStatus.UNAVAILABLE);
        final Order order = pipeline.order("alice", OK, line("book", 1));
        assertThat(pipeline.order(order.orderId()).payment().retryAt())
                .isEqualTo(PipelineDriver.START.plusSeconds(1).toEpochMilli());

        pipeline.advanceWallClock(Duration.ofMinutes(11));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);

        payments.decideWith(GatewayDesk::byCard);
        pipeline.advanceWallClock(Duration.ofSeconds(30));

        assertThat(payments.operations(order.orderId()))
                .containsExactly(PaymentOperation.AUTHORISE, PaymentOperation.VOID);
        assertThat(pipeline.order(order.orderId()).payment().retryAt()).isNull();
        assertThat(pipeline.order(order.orderId()).payment().pending()).isNull();
    }

    @Test
    void aCaptureTheGatewayDidNotAnswerIsAskedAgain() {
        final AtomicInteger captures = new AtomicInteger();
        payments.decideWith(
                request -> request.operation() == PaymentOperation.CAPTURE && captures.incrementAndGet() == 1
                        ? PaymentStatus.UNAVAILABLE
                        : GatewayDesk.byCard(request));
        final Order order = pipeline.order("alice", OK, line("book", 1));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(pipeline.order(order.orderId()).payment().pending()).isEqualTo(PaymentOperation.CAPTURE);

        pipeline.advanceWallClock(Duration.ofSeconds(1));

        assertThat(payments.operations(order.orderId()))
                .containsExactly(PaymentOperation.AUTHORISE, PaymentOperation.CAPTURE);
        assertThat(pipeline.order(order.orderId()).payment().pending()).isNull();
        assertThat(pipeline.order(order.orderId()).payment().capture()).isEqualTo(PaymentStatus.APPROVED);
    }

    @Test
    void anOrderWhoseSkuTheCatalogReplicaDoesNotKnowYetIsAuthorisedOnceItsHoldsAnswer() {
        pipeline.define("fresh", ProductKind.PHYSICAL, "5.00", 3L);
        pipeline.dropFromCatalogReplica("fresh");

        final Order order = pipeline.order("alice", OK, line("fresh", 2));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(pipeline.order(order.orderId()).total()).isEqualByComparingTo("10.00");
        assertThat(payments.requests())
                .filteredOn(request -> request.operation() == PaymentOperation.AUTHORISE)
                .singleElement()
                .satisfies(request -> assertThat(request.amount()).isEqualByComparingTo("10.00"));
    }

    @Test
    void anOrderThatCostsNothingCompletesWithoutAskingTheGateway() {
        pipeline.define("sample", ProductKind.DIGITAL, "0.00", null);

        final Order order = pipeline.order("alice", OK, line("sample", 1));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(payments.requests()).isEmpty();
    }

    @Test
    void forgetsOrdersAfterTheirRetention() {
        final Order order = pipeline.order("alice", OK, line("book", 1));

        pipeline.advanceWallClock(Duration.ofDays(6));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);

        pipeline.advanceWallClock(Duration.ofDays(1).plusSeconds(1));
        assertThat(pipeline.order(order.orderId())).isNull();
        assertThat(pipeline.allOrders()).isEmpty();
    }

    @Test
    void aReplayAfterTheRetentionIsANewOrderButOneInsideItIsNot() {
        final Order order = pipeline.order("alice", OK, line("book", 1));
        pipeline.advanceWallClock(Duration.ofDays(6));
        pipeline.place(order);
        assertThat(statuses(pipeline.events())).containsExactly(OrderStatus.RESERVING, OrderStatus.COMPLETED);
    }

    @Test
    void seatBoughtByAnOrderCannotBeReservedDirectly() {
        final Order order = pipeline.order("alice", OK, line("seat-1A", 1));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);

        assertThat(pipeline.seat("seat-1A", "bob", SeatAction.RESERVE).outcome())
                .isEqualTo(SeatOutcome.ALREADY_RESERVED);
        assertThat(pipeline.inventory("seat-1A").seatHolder().sold()).isTrue();
    }

    @Test
    void seatReservedDirectlyCannotBeBoughtByAnOrder() {
        assertThat(pipeline.seat("seat-1A", "bob", SeatAction.RESERVE).outcome())
                .isEqualTo(SeatOutcome.RESERVED);

        final Order order = pipeline.order("alice", OK, line("seat-1A", 1));

        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.REJECTED_OUT_OF_STOCK);
        assertThat(pipeline.order(order.orderId()).lines())
                .extracting(LineState::outcome)
                .containsExactly(LineOutcome.SEAT_TAKEN);
        assertThat(pipeline.inventory("seat-1A").seatHolder().reservedFor()).isEqualTo("bob");
    }

    @Test
    void directSeatCommandsFollowTheReservationSemantics() {
        assertThat(pipeline.seat("seat-9Z", "bob", SeatAction.RESERVE).outcome())
                .isEqualTo(SeatOutcome.NO_SUCH_SEAT);
        assertThat(pipeline.seat("book", "bob", SeatAction.RESERVE).outcome()).isEqualTo(SeatOutcome.NO_SUCH_SEAT);
        assertThat(pipeline.seat("seat-1A", "bob", SeatAction.RELEASE).outcome())
                .isEqualTo(SeatOutcome.NOT_RESERVED);
        assertThat(pipeline.seat("seat-1A", "bob", SeatAction.RESERVE).outcome())
                .isEqualTo(SeatOutcome.RESERVED);
        assertThat(pipeline.seat("seat-1A", "bob", SeatAction.RESERVE).outcome())
                .isEqualTo(SeatOutcome.RESERVED);
        assertThat(pipeline.seat("seat-1A", "carol", SeatAction.RESERVE).outcome())
                .isEqualTo(SeatOutcome.ALREADY_RESERVED);
        assertThat(pipeline.seat("seat-1A", "carol", SeatAction.RELEASE).outcome())
                .isEqualTo(SeatOutcome.RESERVED_BY_OTHER);
        assertThat(pipeline.seat("seat-1A", "bob", SeatAction.RELEASE).outcome())
                .isEqualTo(SeatOutcome.RELEASED);
        assertThat(pipeline.seat("seat-1A", "carol", SeatAction.RESERVE).outcome())
                .isEqualTo(SeatOutcome.RESERVED);
        assertThat(pipeline.inventory("seat-1A").seatHolder().reservedFor()).isEqualTo("carol");
    }

    @Test
    void hundredReservationsOfOneSeatHaveOneWinner() {
        final List<SeatOutcome> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            outcomes.add(
                    pipeline.seat("seat-1A", "user-" + i, SeatAction.RESERVE).outcome());
        }

        assertThat(outcomes)
                .filteredOn(outcome -> outcome == SeatOutcome.RESERVED)
                .hasSize(1);
        assertThat(outcomes)
                .filteredOn(outcome -> outcome == SeatOutcome.ALREADY_RESERVED)
                .hasSize(99);
        assertThat(pipeline.inventory("seat-1A").seatHolder().reservedFor()).isEqualTo("user-0");
    }

    @Test
    void hundredOrdersForOneSeatHaveOneWinner() {
        for (int i = 0; i < 100; i++) {
            pipeline.order("buyer-" + i, OK, line("seat-1A", 1));
        }

        assertThat(pipeline.allOrders())
                .extracting(state -> state.status())
                .containsOnly(OrderStatus.COMPLETED, OrderStatus.REJECTED_OUT_OF_STOCK)
                .filteredOn(status -> status == OrderStatus.COMPLETED)
                .hasSize(1);
    }

    @Test
    void lastUnitGoesToOneBuyer() {
        pipeline.define("rare", ProductKind.PHYSICAL, "10.00", 1L);

        final Order first = pipeline.order("alice", OK, line("rare", 1));
        final Order second = pipeline.order("bob", OK, line("rare", 1));

        assertThat(pipeline.order(first.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(pipeline.order(second.orderId()).status()).isEqualTo(OrderStatus.REJECTED_OUT_OF_STOCK);
        assertThat(counts(pipeline.inventory("rare"))).containsExactly(1L, 0L, 0L, 1L);
    }

    @Test
    void restockRaisesAvailableUnits() {
        pipeline.order("alice", OK, line("book", 10));
        assertThat(pipeline.inventory("book").available()).isZero();

        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 15L);

        assertThat(counts(pipeline.inventory("book"))).containsExactly(15L, 5L, 0L, 10L);
        assertThat(pipeline.catalogEntry("book").stock()).isEqualTo(15L);
    }

    @Test
    void stockIsNeverSetBelowWhatIsHeldOrSold() {
        pipeline.order("alice", OK, line("book", 6));

        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 2L);

        assertThat(counts(pipeline.inventory("book"))).containsExactly(6L, 0L, 0L, 6L);
    }

    @Test
    void fraudCheckPricesOrdersFromTheCatalogAsApplied() {
        pipeline.define("tv", ProductKind.PHYSICAL, "100.00", 5L);

        final Order order = pipeline.order("alice", OK, line("tv", 3));

        assertThat(pipeline.catalogEntry("tv").price()).isEqualByComparingTo("100.00");
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
    }

    @Test
    void aConfirmOrReleaseOfALineTheSkuDoesNotHoldIsRefusedWhole() {
        pipeline.reservationCommand(new ReservationCommand("stray", "book", ReservationAction.RELEASE, 3, "alice"));
        pipeline.reservationCommand(new ReservationCommand("stray", "seat-1A", ReservationAction.CONFIRM, 1, "alice"));
        pipeline.reservationCommand(new ReservationCommand("held", "book", ReservationAction.HOLD, 2, "alice"));
        pipeline.reservationCommand(new ReservationCommand("held", "book", ReservationAction.CONFIRM, 3, "alice"));

        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 8L, 2L, 0L);
        assertThat(pipeline.inventory("seat-1A").seatHolder()).isNull();
        assertThat(pipeline.deadLetters()).hasSize(3);
    }

    @Test
    void aHeldLineAnsweredAfterItsOrderExpiredIsGivenBackAtOnce() {
        pipeline.define("slow", ProductKind.PHYSICAL, "10.00", 5L);
        payments.silence();
        final Order order = pipeline.order("alice", OK, line("book", 1));
        pipeline.advanceWallClock(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(counts(pipeline.inventory("book"))).containsExactly(10L, 10L, 0L, 0L);

        pipeline.resumePayments();

        assertThat(payments.operations(order.orderId()))
                .containsExactly(PaymentOperation.AUTHORISE, PaymentOperation.VOID);
        assertThat(payments.doubleCharges()).isEmpty();
    }

    @Test
    void deletedProductCanNoLongerBeOrdered() {
        pipeline.deleteProduct("ebook");

        final Order order = pipeline.order("alice", OK, line("ebook", 1));

        assertThat(pipeline.inventory("ebook")).isNull();
        assertThat(pipeline.catalogEntry("ebook")).isNull();
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.REJECTED_OUT_OF_STOCK);
    }

    static List<OrderStatus> statuses(final List<KeyValue<String, OrderEvent>> events) {
        return events.stream().map(event -> event.value.status()).toList();
    }

    static List<EmailKind> kinds(final List<EmailRequest> emails) {
        return emails.stream().map(EmailRequest::kind).toList();
    }

    /** stocked, available, held, sold. */
    static List<Long> counts(final Inventory inventory) {
        return List.of(inventory.stocked(), inventory.available(), inventory.held(), inventory.sold());
    }
}
