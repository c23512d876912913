package io.purchasepipeline.stores;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One order as the task of its customer keeps it: the order, its lines and what each HOLD did, its
 * payment, and its audit trail as compact steps (status, time, detail), from which the
 * {@link OrderEvent}s are made again on a query. Values are immutable; every change returns a new
 * state.
 *
 * @param total the amount authorised: the lines at the catalog's prices when the order was placed
 * @param placedAt when the order's task took it in (wall clock): its hold deadline counts from here,
 *        and must pass on the task's stream time as well as on the wall clock (the topology's
 *        {@code HoldClock})
 * @param orderedAt the order record's time, on which the fraud check's velocity window counts (a
 *        state written before it was kept has none: its placement stands in)
 * @param payment what the gateway said so far
 * @param steps the audit trail; the last step is the current status
 * @param traceparent the W3C trace context of the hop that placed the order, or null when it is
 *        not traced. What a timer makes for the order (an expiry, a payment asked again) has no
 *        record behind it to take a context from: its span is a child of this one, so it joins the
 *        order's trace. Kept here rather than derived from the order id, since a storefront's trace
 *        that the order continues has an id of its own; 55 characters, only for traced orders, and
 *        no record more.
 */
public record OrderState(
        Order order,
        List<FraudReason> fraudReasons,
        List<LineState> lines,
        BigDecimal total,
        long placedAt,
        Long orderedAt,
        PaymentState payment,
        List<Step> steps,
        String correlationId,
        String traceparent) {

    /** One entry of the audit trail. */
    public record Step(OrderStatus status, long at, String detail) {}

    public OrderState {
        fraudReasons = fraudReasons == null ? List.of() : List.copyOf(fraudReasons);
        lines = lines == null ? List.of() : List.copyOf(lines);
        steps = steps == null ? List.of() : List.copyOf(steps);
        payment = payment == null ? PaymentState.NONE : payment;
        orderedAt = orderedAt == null ? placedAt : orderedAt;
    }

    @JsonIgnore
    public String orderId() {
        return order.orderId();
    }

    @JsonIgnore
    public String customerId() {
        return order.customerId();
    }

    @JsonIgnore
    public OrderStatus status() {
        return steps.get(steps.size() - 1).status();
    }

    @JsonIgnore
    public boolean ended() {
        return status().terminal();
    }

    /** The order moved to {@code next}: the new state, whose last event records the change. */
    public OrderState moveTo(final OrderStatus next, final String detail, final long at) {
        final List<Step> trail = new ArrayList<>(steps);
        trail.add(new Step(next, at, detail));
        return new OrderState(
                order, fraudReasons, lines, total, placedAt, orderedAt, payment, trail, correlationId, traceparent);
    }

    /** The audit trail as the events on {@code order-events}. */
    @JsonIgnore
    public List<OrderEvent> events() {
        final List<OrderEvent> events = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            events.add(event(i));
        }
        return events;
    }

    @JsonIgnore
    public OrderEvent lastEvent() {
        return event(steps.size() - 1);
    }

    private OrderEvent event(final int index) {
        final Step step = steps.get(index);
        return new OrderEvent(order.orderId(), index + 1, step.status(), step.detail(), step.at(), correlationId);
    }

    public OrderState withLines(final UnaryOperator<LineState> change) {
        return new OrderState(
                order,
                fraudReasons,
                lines.stream().map(change).toList(),
                total,
                placedAt,
                orderedAt,
                payment,
                steps,
                correlationId,
                traceparent);
    }

    public OrderState withPayment(final PaymentState next) {
        return new OrderState(
                order, fraudReasons, lines, total, placedAt, orderedAt, next, steps, correlationId, traceparent);
    }

    @JsonIgnore
    public boolean allAnswered() {
        return lines.stream().noneMatch(LineState::waiting);
    }

    @JsonIgnore
    public boolean allHeld() {
        return lines.stream().allMatch(LineState::held);
    }

    /**
     * What the gateway said so far: the operation the order waits on ({@code pending}, null when
     * none), the authorisation's outcome and id, how many times the pending operation was asked
     * without an answer, and when to ask again ({@code retryAt}, wall clock; null when no retry is
     * due: none was needed, or it was made and waits for its answer).
     */
    public record PaymentState(
            PaymentOperation pending,
            PaymentStatus authorisation,
            String authorisationId,
            PaymentStatus capture,
            int unanswered,
            Long retryAt) {

        public static final PaymentState NONE = new PaymentState(null, null, null, null, 0, null);

        public PaymentState asking(final PaymentOperation operation) {
            return new PaymentState(operation, authorisation, authorisationId, capture, 0, null);
        }

        public PaymentState authorised(final PaymentStatus status, final String id) {
            return new PaymentState(null, status, id, capture, 0, null);
        }

        public PaymentState captured(final PaymentStatus status) {
            return new PaymentState(null, authorisation, authorisationId, status, 0, null);
        }

        public PaymentState voided() {
            return new PaymentState(null, authorisation, authorisationId, capture, 0, null);
        }

        /** The pending operation went unanswered again: it is asked again at {@code retryAt}. */
        public PaymentState withoutAnswer(final long retryAt) {
            return new PaymentState(pending, authorisation, authorisationId, capture, unanswered + 1, retryAt);
        }

        /** The retry was made: nothing more is due until it is answered. */
        public PaymentState retried() {
            return new PaymentState(pending, authorisation, authorisationId, capture, unanswered, null);
        }

        @JsonIgnore
        public boolean approved() {
            return authorisation != null && authorisation.approved();
        }

        /** A short text for the order's view: "authorised pay-7, captured". */
        @JsonIgnore
        public String summary() {
            if (authorisation == null) {
                return pending == null ? null : pending.name().toLowerCase(java.util.Locale.ROOT) + " asked";
            }
            final StringBuilder text = new StringBuilder(
                    authorisation.approved()
                            ? "authorised"
                            : authorisation.name().toLowerCase(java.util.Locale.ROOT));
            if (authorisationId != null) {
                text.append(' ').append(authorisationId);
            }
            if (capture != null) {
                text.append(", capture ")
                        .append(capture.approved() ? "done" : capture.name().toLowerCase(java.util.Locale.ROOT));
            }
            return text.toString();
        }
    }
}
