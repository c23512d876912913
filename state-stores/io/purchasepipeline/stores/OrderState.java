package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One order as its owner task sees it: status, lines, and the whole audit trail (a handful of
 * events per order), so that the order and its history are answered from one store read.
 */
public record OrderState(
        Order order,
        OrderStatus status,
        List<FraudReason> fraudReasons,
        List<LineState> lines,
        String payment,
        long deadline,
        List<OrderEvent> events,
        String correlationId) {

    public OrderState {
        fraudReasons = fraudReasons == null ? List.of() : List.copyOf(fraudReasons);
        lines = lines == null ? List.of() : List.copyOf(lines);
        events = events == null ? List.of() : List.copyOf(events);
    }

    public String orderId() {
        return order.orderId();
    }

    /** The order moved to {@code next}: the new state, whose last event records the change. */
    public OrderState moveTo(final OrderStatus next, final String detail, final long at) {
        final List<OrderEvent> trail = new ArrayList<>(events);
        trail.add(new OrderEvent(order.orderId(), events.size() + 1, next, detail, at, correlationId));
        return new OrderState(order, next, fraudReasons, lines, payment, deadline, trail, correlationId);
    }

    public OrderEvent lastEvent() {
        return events.get(events.size() - 1);
    }

    public OrderState withLine(final LineResult result) {
        final List<LineState> updated = lines.stream()
                .map(line -> line.sku().equals(result.sku()) && line.waiting() ? line.answered(result) : line)
                .toList();
        return new OrderState(order, status, fraudReasons, updated, payment, deadline, events, correlationId);
    }

    public OrderState withPayment(final String outcome) {
        return new OrderState(order, status, fraudReasons, lines, outcome, deadline, events, correlationId);
    }

    public boolean allAnswered() {
        return lines.stream().noneMatch(LineState::waiting);
    }

    public boolean allHeld() {
        return lines.stream().allMatch(LineState::held);
    }

    public BigDecimal total() {
        return lines.stream().map(LineState::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
