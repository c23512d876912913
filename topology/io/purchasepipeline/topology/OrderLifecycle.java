package io.purchasepipeline.topology;

import io.opentelemetry.api.trace.Span;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 4 to 7 on the stream thread: loads an order's state, applies one input to the
 * {@link OrderMachine}, stores what changed and forwards its outputs. The order lives in its
 * customer's task, so the order's inputs (the checked order, its SKUs' answers, the payment
 * worker's answers) all arrive here on one partition, one at a time.
 *
 * <p>Timers are keys of the {@code order-timers} store that sort by time: each order's placement
 * (its hold expiry, and later the end of its retention) and payment operations to ask again. A
 * wall-clock punctuation scans each from a cursor, so no scan passes over what an earlier one
 * already handled or deleted.
 *
 * <p>Each input is a hop of the order's trace (a new order's, in the span {@link OrderAdmission}
 * opened; an answer's, in a span of its own; a timer's, in a span under the context the order's
 * state keeps), and every record it forwards carries that hop's context with the correlation id.
 */
final class OrderLifecycle implements Processor<String, OrderInput, String, OrderOutput> {

    private static final Logger log = LoggerFactory.getLogger(OrderLifecycle.class);

    private final PipelineConfig config;
    private final OrderMachine machine;
    private final OrderStatusListener listener;
    private final HopSpans spans;
    private ProcessorContext<String, OrderOutput> context;
    private KeyValueStore<String, OrderState> orders;
    private KeyValueStore<String, String> timers;

    private OrderLifecycle(final PipelineConfig config, final OrderStatusListener listener, final HopSpans spans) {
        this.config = config;
        this.machine = new OrderMachine(config);
        this.listener = listener;
        this.spans = spans;
    }

    /** The {@code order-status} store is added to the topology on its own: the intake reads it too. */
    static ProcessorSupplier<String, OrderInput, String, OrderOutput> supplier(
            final PipelineConfig config, final OrderStatusListener listener, final HopSpans spans) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, OrderInput, String, OrderOutput> get() {
                return new OrderLifecycle(config, listener, spans);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(PipelineStores.orderTimers());
            }
        };
    }

    @Override
    public void init(final ProcessorContext<String, OrderOutput> context) {
        this.context = context;
        this.orders = context.getStateStore(StoreNames.ORDERS);
        this.timers = context.getStateStore(StoreNames.ORDER_TIMERS);
        context.schedule(config.timerInterval(), PunctuationType.WALL_CLOCK_TIME, this::onTimer);
    }

    @Override
    public void process(final Record<String, OrderInput> record) {
        final long now = context.currentSystemTimeMs();
        if (record.value() instanceof OrderInput.Checked checked) {
            place(
                    checked.order(),
                    CorrelationId.of(record.headers()),
                    TraceParent.format(TraceParent.of(record.headers())),
                    now,
                    record.timestamp());
            return;
        }
        final String orderId = orderIdOf(record.value());
        final OrderState state = orders.get(orderId);
        if (state == null) {
            log.warn(
                    "{} for order {}, which this task does not have (forgotten after its retention?): ignored",
                    record.value().getClass().getSimpleName(),
                    orderId);
            return;
        }
        final boolean line = record.value() instanceof OrderInput.LineAnswered;
        // an answer from a client that does not pass the context on still joins the order's trace
        final Span span = spans.start(
                line ? "order line answered" : "order payment answered",
                record.headers(),
                line ? Topics.RESERVATION_RESULTS.name() : Topics.PAYMENT_RESULTS.name(),
                orderId,
                state.traceparent());
        try {
            apply(machine.apply(state, record.value(), now), record.timestamp(), span);
        } catch (RuntimeException e) {
            HopSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** A first-seen order: the intake, in this task, already dropped an order id the store has. */
    private void place(
            final FraudCheckedOrder checked,
            final String correlationId,
            final String traceparent,
            final long now,
            final long timestamp) {
        final String orderId = checked.order().orderId();
        timers.put(PipelineStores.placedKey(now, orderId), orderId);
        apply(machine.place(checked, correlationId, traceparent, now), timestamp, traceparent);
    }

    private void apply(final Transition transition, final long timestamp, final Span span) {
        final String status = transition.state().status().name();
        span.setAttribute(HopSpans.STATUS, status);
        apply(transition, timestamp, TraceParent.format(span.getSpanContext()));
    }

    /** @param traceparent the context of the hop, for every record it forwards (null: not traced) */
    private void apply(final Transition transition, final long timestamp, final String traceparent) {
        final OrderState state = transition.state();
        if (transition.changed()) {
            orders.put(state.orderId(), state);
        }
        if (transition.retryPaymentAt() != null) {
            timers.put(PipelineStores.retryKey(transition.retryPaymentAt(), state.orderId()), state.orderId());
        }
        for (final OrderOutput output : transition.outputs()) {
            final Headers headers = CorrelationId.headers(state.correlationId());
            if (traceparent != null) {
                headers.add(TraceParent.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
            }
            context.forward(new Record<>(output.key(), output, timestamp, headers));
            if (output instanceof OrderOutput.Event event) {
                listener.changed(event.event());
            }
        }
    }

    private static String orderIdOf(final OrderInput input) {
        if (input instanceof OrderInput.LineAnswered line) {
            return line.result().orderId();
        }
        if (input instanceof OrderInput.PaymentAnswered payment) {
            return payment.result().orderId();
        }
        throw new IllegalArgumentException("No order id in " + input);
    }

    /** Expires orders past their hold timeout, asks the gateway again, and forgets orders past their retention. */
    private void onTimer(final long now) {
        for (final KeyValue<String, String> due :
                scan(PipelineStores.EXPIRY_CURSOR, now - config.holdTimeout().toMillis())) {
            final OrderState state = orders.get(due.value);
            if (state != null && !state.ended()) {
                onTimer("order hold timeout", state, new OrderInput.HoldTimeout(), now);
            }
        }
        for (final KeyValue<String, String> due : range(
                PipelineStores.lowerBound(PipelineStores.RETRY_PREFIX),
                PipelineStores.upperBound(PipelineStores.RETRY_PREFIX, now))) {
            timers.delete(due.key);
            final OrderState state = orders.get(due.value);
            if (state != null) {
                onTimer("order payment retry", state, new OrderInput.PaymentRetryDue(), now);
            }
        }
        for (final KeyValue<String, String> due :
                scan(PipelineStores.PURGE_CURSOR, now - config.orderRetention().toMillis())) {
            orders.delete(due.value);
            timers.delete(due.key);
        }
    }

    private void onTimer(final String name, final OrderState state, final OrderInput input, final long now) {
        final Span span = spans.startTimer(name, state.traceparent(), state.orderId());
        try {
            apply(machine.apply(state, input, now), now, span);
        } catch (RuntimeException e) {
            HopSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * The placements up to {@code placedBefore} that the scan named by {@code cursor} has not seen
     * yet; the cursor moves past them.
     */
    private List<KeyValue<String, String>> scan(final String cursor, final long placedBefore) {
        final String last = timers.get(cursor);
        final List<KeyValue<String, String>> due = range(
                last == null ? PipelineStores.lowerBound(PipelineStores.PLACED_PREFIX) : last,
                PipelineStores.upperBound(PipelineStores.PLACED_PREFIX, placedBefore));
        if (!due.isEmpty() && due.get(0).key.equals(last)) {
            due.remove(0);
        }
        if (!due.isEmpty()) {
            timers.put(cursor, due.get(due.size() - 1).key);
        }
        return due;
    }

    private List<KeyValue<String, String>> range(final String from, final String to) {
        final List<KeyValue<String, String>> entries = new ArrayList<>();
        if (from.compareTo(to) >= 0) {
            return entries;
        }
        try (KeyValueIterator<String, String> iterator = timers.range(from, to)) {
            iterator.forEachRemaining(entries::add);
        }
        return entries;
    }
}
