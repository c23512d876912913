package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.EbookRequest;
import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.ReservationAction;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.stores.LineState;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.OrderState.PaymentState;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The order's life as a pure function: {@code (state, input, now) → (new state, outputs, timer)}.
 * No store, no Kafka: {@link OrderLifecycle} loads the state, applies one input here and writes
 * and forwards what comes back.
 *
 * <p>An order that passes the fraud check asks every SKU for a hold and the gateway for an
 * authorisation of its total at the same time. It completes when every hold and the authorisation
 * are in: the holds are confirmed and the authorisation captured. It is released (holds given
 * back, authorisation voided) when a line cannot be held, the card is declined, or the hold timeout
 * passes first. A line whose answer comes after the order was released is given back as soon as it
 * arrives, and an authorisation that comes after is voided: nothing stays held or authorised for an
 * order that did not complete.
 */
final class OrderMachine {

    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private final PipelineConfig config;

    OrderMachine(final PipelineConfig config) {
        this.config = config;
    }

    /**
     * A new order ({@code current} is null): rejected for fraud, or on its way to holds and payment.
     *
     * @param traceparent the trace context of the hop that placed it (null: not traced), kept for its timers
     * @param orderedAt the order record's time, which the velocity window counts on
     */
    Transition place(
            final FraudCheckedOrder checked,
            final String correlationId,
            final String traceparent,
            final long now,
            final long orderedAt) {
        final Order order = checked.order();
        final List<LineState> lines = OrderLines.of(checked);
        final BigDecimal total = OrderLines.total(lines);
        final boolean priced = total != null;
        final OrderState fresh = new OrderState(
                order,
                checked.reasons(),
                lines,
                total,
                now,
                orderedAt,
                PaymentState.NONE,
                List.of(),
                correlationId,
                traceparent);
        final List<OrderOutput> outputs = new ArrayList<>();
        // the receipt itemises the order at the prices the fraud check just looked up
        outputs.add(new OrderOutput.Email(Emails.received(order, lines, config.currency())));
        if (checked.fraudulent()) {
            final OrderState rejected =
                    fresh.moveTo(OrderStatus.REJECTED_FRAUD, "order received; fraud check: " + checked.reasons(), now);
            outputs.add(new OrderOutput.Event(rejected.lastEvent()));
            return new Transition(rejected, true, outputs);
        }
        OrderState reserving = fresh.moveTo(
                OrderStatus.RESERVING,
                "order received; fraud check passed; holding " + lines.size() + " SKU(s)"
                        + (priced ? ", authorising " + money(total) : ""),
                now);
        outputs.add(new OrderOutput.Event(reserving.lastEvent()));
        for (final LineState line : lines) {
            outputs.add(command(reserving, line, ReservationAction.HOLD));
        }
        if (priced) {
            reserving = authorising(reserving, outputs);
        }
        return new Transition(reserving, true, outputs);
    }

    Transition apply(final OrderState state, final OrderInput input, final long now) {
        if (input instanceof OrderInput.LineAnswered line) {
            return answered(state, line.result(), now);
        }
        if (input instanceof OrderInput.PaymentAnswered payment) {
            return paid(state, payment.result(), now);
        }
        if (input instanceof OrderInput.HoldTimeout) {
            return state.ended()
                    ? Transition.unchanged(state)
                    : release(
                            state,
                            OrderStatus.EXPIRED,
                            "no payment outcome within " + config.holdTimeout(),
                            EmailKind.ORDER_EXPIRED,
                            null,
                            now);
        }
        if (input instanceof OrderInput.PaymentRetryDue) {
            return retry(state);
        }
        throw new IllegalArgumentException("An order already placed cannot take " + input);
    }

    private Transition answered(final OrderState state, final LineResult result, final long now) {
        final LineState line = state.lines().stream()
                .filter(candidate -> candidate.sku().equals(result.sku()))
                .findFirst()
                .orElse(null);
        if (line == null || !line.waiting()) {
            return Transition.unchanged(state);
        }
        final OrderState updated = state.withLines(candidate -> candidate == line
                ? candidate.answered(result.outcome(), result.kind(), result.productName())
                : candidate);
        if (state.ended()) {
            // released before this answer came: a unit held now is given back at once
            final List<OrderOutput> outputs =
                    result.outcome().held() ? List.of(command(updated, line, ReservationAction.RELEASE)) : List.of();
            return new Transition(updated, true, outputs);
        }
        return decide(priced(updated, result), now);
    }

    /** A line the catalog could not price at placement takes the price its SKU answered with. */
    private static OrderState priced(final OrderState state, final LineResult result) {
        return state.total() != null
                ? state
                : state.withLines(line -> line.sku().equals(result.sku()) && line.unitPrice() == null
                        ? new LineState(
                                line.sku(),
                                line.quantity(),
                                result.unitPrice(),
                                line.outcome(),
                                line.kind(),
                                line.name())
                        : line);
    }

    private Transition paid(final OrderState state, final PaymentResult result, final long now) {
        final PaymentState payment = state.payment();
        if (result.status() == PaymentStatus.UNAVAILABLE) {
            // an authorisation asked again is answered by its first answer; a capture or a void is
            // asked again until the gateway answers it
            return result.operation() == PaymentOperation.AUTHORISE && payment.pending() != PaymentOperation.AUTHORISE
                    ? Transition.unchanged(state)
                    : unanswered(state, result.operation(), now);
        }
        return switch (result.operation()) {
            case AUTHORISE -> authorised(state, result, now);
            case CAPTURE ->
                new Transition(
                        state.withPayment(payment.captured(result.status())),
                        payment.pending() == PaymentOperation.CAPTURE
                                || !result.status().approved(),
                        List.of());
            case VOID ->
                payment.pending() == PaymentOperation.VOID
                        ? new Transition(state.withPayment(payment.voided()), true, List.of())
                        : Transition.unchanged(state);
        };
    }

    private Transition authorised(final OrderState state, final PaymentResult result, final long now) {
        if (state.payment().authorisation() != null) {
            return Transition.unchanged(state);
        }
        final OrderState updated = state.withPayment(state.payment().authorised(result.status(), result.paymentId()));
        if (state.ended()) {
            // released before the gateway answered: an authorisation that came after is given back
            return result.status().approved() && result.paymentId() != null
                    ? voiding(updated)
                    : new Transition(updated, true, List.of());
        }
        if (result.status().refused()) {
            return release(
                    updated,
                    OrderStatus.PAYMENT_DECLINED,
                    "payment " + result.status(),
                    EmailKind.PAYMENT_FAILED,
                    result.status(),
                    now);
        }
        return decide(updated, now);
    }

    /** The gateway did not answer: ask again later, sooner at first. */
    private Transition unanswered(final OrderState state, final PaymentOperation operation, final long now) {
        final PaymentState payment = state.payment().pending() == operation
                ? state.payment()
                : state.payment().asking(operation);
        final long delay = Math.min(
                MAX_RETRY_DELAY.toMillis(), config.timerInterval().toMillis() << Math.min(payment.unanswered(), 10));
        OrderState updated = state.withPayment(payment.withoutAnswer(now + delay));
        final List<OrderOutput> outputs = new ArrayList<>();
        if (operation == PaymentOperation.AUTHORISE && state.status() == OrderStatus.RESERVING) {
            updated = updated.moveTo(
                    OrderStatus.AWAITING_PAYMENT, "the payment gateway did not answer; asking again", now);
            outputs.add(new OrderOutput.Event(updated.lastEvent()));
        }
        return new Transition(updated, true, outputs);
    }

    /** The retry's time came: asks again, and nothing more is due until the answer (written, so a restart does not ask twice). */
    private Transition retry(final OrderState state) {
        final PaymentOperation pending = state.payment().pending();
        if (pending == null || state.payment().retryAt() == null) {
            return Transition.unchanged(state);
        }
        final OrderState retried = state.withPayment(state.payment().retried());
        return new Transition(retried, true, List.of(payment(retried, pending)));
    }

    /** Completes, releases or waits, once something came in for an order still in progress. */
    private Transition decide(final OrderState state, final long now) {
        if (!state.allAnswered()) {
            return new Transition(state, true, List.of());
        }
        if (!state.allHeld()) {
            final String missing = state.lines().stream()
                    .filter(line -> !line.held())
                    .map(line -> line.sku() + ": " + line.outcome())
                    .collect(Collectors.joining(", "));
            return release(state, OrderStatus.REJECTED_OUT_OF_STOCK, missing, EmailKind.OUT_OF_STOCK, null, now);
        }
        if (state.total() == null) {
            // every line is priced now: the authorisation that could not go with the holds goes now
            final List<OrderOutput> outputs = new ArrayList<>();
            final OrderState priced = authorising(
                    new OrderState(
                            state.order(),
                            state.fraudReasons(),
                            state.lines(),
                            total(state.lines()),
                            state.placedAt(),
                            state.orderedAt(),
                            state.payment(),
                            state.steps(),
                            state.correlationId(),
                            state.traceparent()),
                    outputs);
            return priced.payment().approved() ? decide(priced, now) : new Transition(priced, true, outputs);
        }
        if (!state.payment().approved()) {
            return new Transition(state, true, List.of());
        }
        return complete(state, now);
    }

    private Transition complete(final OrderState state, final long now) {
        final OrderState completed = state.moveTo(
                OrderStatus.COMPLETED,
                state.payment().authorisationId() == null
                        ? "nothing to pay"
                        : "payment " + state.payment().authorisationId() + " authorised; capturing "
                                + money(state.total()),
                now);
        final List<OrderOutput> outputs = new ArrayList<>();
        outputs.add(new OrderOutput.Event(completed.lastEvent()));
        for (final LineState line : completed.lines()) {
            outputs.add(command(completed, line, ReservationAction.CONFIRM));
        }
        if (completed.payment().authorisationId() != null) {
            outputs.add(payment(completed, PaymentOperation.CAPTURE));
        }
        final List<EbookTitle> ebooks = completed.lines().stream()
                .filter(line -> line.kind() == ProductKind.DIGITAL)
                .map(line -> new EbookTitle(line.sku(), line.name()))
                .toList();
        outputs.add(new OrderOutput.Email(Emails.completed(completed, config.currency(), ebooks)));
        final Order order = completed.order();
        for (final EbookTitle ebook : ebooks) {
            outputs.add(new OrderOutput.Ebook(new EbookRequest(
                    order.orderId(),
                    order.customerId(),
                    order.customerName(),
                    order.email(),
                    ebook.sku(),
                    ebook.title())));
        }
        return new Transition(completed, true, outputs);
    }

    /**
     * Ends the order without a sale: every held line given back, the authorisation voided, the customer told.
     *
     * @param payment the gateway's refusal, when that is why
     */
    private Transition release(
            final OrderState state,
            final OrderStatus status,
            final String detail,
            final EmailKind email,
            final PaymentStatus payment,
            final long now) {
        OrderState released = state.moveTo(status, detail, now);
        final List<OrderOutput> outputs = new ArrayList<>();
        outputs.add(new OrderOutput.Event(released.lastEvent()));
        for (final LineState line : released.lines()) {
            if (line.held()) {
                outputs.add(command(released, line, ReservationAction.RELEASE));
            }
        }
        if (released.payment().approved() && released.payment().authorisationId() != null) {
            released = released.withPayment(released.payment().asking(PaymentOperation.VOID));
            outputs.add(payment(released, PaymentOperation.VOID));
        }
        outputs.add(new OrderOutput.Email(Emails.released(released, email, config.currency(), payment)));
        return new Transition(released, true, outputs);
    }

    /** Asks for the authorisation of the total; an order that costs nothing has nothing to authorise. */
    private OrderState authorising(final OrderState state, final List<OrderOutput> outputs) {
        if (state.total().signum() == 0) {
            return state.withPayment(state.payment().authorised(PaymentStatus.APPROVED, null));
        }
        final OrderState asking = state.withPayment(state.payment().asking(PaymentOperation.AUTHORISE));
        outputs.add(payment(asking, PaymentOperation.AUTHORISE));
        return asking;
    }

    private Transition voiding(final OrderState state) {
        final OrderState voiding = state.withPayment(state.payment().asking(PaymentOperation.VOID));
        return new Transition(voiding, true, List.of(payment(voiding, PaymentOperation.VOID)));
    }

    private static OrderOutput command(final OrderState state, final LineState line, final ReservationAction action) {
        return new OrderOutput.SkuCommand(
                new ReservationCommand(state.orderId(), line.sku(), action, line.quantity(), state.customerId()));
    }

    private OrderOutput payment(final OrderState state, final PaymentOperation operation) {
        final Order order = state.order();
        return new OrderOutput.Payment(new PaymentRequest(
                order.orderId(),
                order.customerId(),
                operation,
                operation == PaymentOperation.VOID ? null : state.total(),
                config.currency(),
                operation == PaymentOperation.AUTHORISE ? order.payment().card() : null,
                operation == PaymentOperation.AUTHORISE ? null : state.payment().authorisationId()));
    }

    private String money(final BigDecimal amount) {
        return amount.toPlainString() + " " + config.currency();
    }

    private static BigDecimal total(final List<LineState> lines) {
        return lines.stream().map(LineState::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
