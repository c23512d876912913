package io.purchasepipeline.topology;

import io.opentelemetry.api.trace.Span;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import io.purchasepipeline.stores.OrderExpiry;
import io.purchasepipeline.stores.OrderIndex;
import io.purchasepipeline.stores.OrderIndexStore;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.StoreNames;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 4 to 7 on the stream thread: loads an order's state, applies one input to the
 * {@link OrderMachine}, stores what changed and forwards its outputs. The order lives in its
 * customer's task, so the order's inputs (the checked order, its SKUs' answers, the payment
 * worker's answers) all arrive here on one partition, one at a time.
 *
 * <p>Timers come from the orders' own states, through the task's in-memory {@link OrderIndex}
 * (open orders by placement for the hold expiry, payment operations to ask again by their due
 * time), so they cost no record of their own; a wall-clock punctuation takes what is due. An order's
 * hold timeout must have passed on the task's stream time too ({@link HoldClock}): a task behind
 * its inputs does not expire orders whose answers wait in them. Orders past their retention are
 * found through the task's {@link OrderExpiry}, a logged store of its orders by placement time,
 * oldest first and a batch per punctuation.
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
    private OrderIndex index;
    /** The orders by placement time, for their retention. */
    private OrderExpiry expiry;
    /** How far the task has read, for the hold expiry; in memory, a restart counts again from its start. */
    private HoldClock holdClock;
    /** Answers for orders the task does not have: logged once, then counted. */
    private final UnknownOrderAnswers unknownOrders = new UnknownOrderAnswers(log);

    private OrderLifecycle(final PipelineConfig config, final OrderStatusListener listener, final HopSpans spans) {
        this.config = config;
        this.machine = new OrderMachine(config);
        this.listener = listener;
        this.spans = spans;
    }

    /** Orders the retention sweep forgets at most per punctuation (and, until each has a key, orders it indexes). */
    static final int SWEEP_BATCH = 1_000;

    /**
     * Uses the {@code order-status} and {@code order-index} stores, which the topology adds on their
     * own: the intake reads the orders too, and the fraud check the index.
     */
    static ProcessorSupplier<String, OrderInput, String, OrderOutput> supplier(
            final PipelineConfig config, final OrderStatusListener listener, final HopSpans spans) {
        return () -> new OrderLifecycle(config, listener, spans);
    }

    @Override
    public void init(final ProcessorContext<String, OrderOutput> context) {
        this.context = context;
        this.orders = context.getStateStore(StoreNames.ORDERS);
        this.index =
                context.<OrderIndexStore>getStateStore(StoreNames.ORDER_INDEX).index(orders);
        this.expiry = new OrderExpiry(context.getStateStore(StoreNames.ORDER_EXPIRY));
        this.holdClock = HoldClock.started(config, context.currentStreamTimeMs(), context.currentSystemTimeMs());
        context.schedule(config.timerInterval(), PunctuationType.WALL_CLOCK_TIME, this::onTimer);
    }

    @Override
    public void process(final Record<String, OrderInput> record) {
        final long now = context.currentSystemTimeMs();
        holdClock = holdClock.read(context.currentStreamTimeMs(), now);
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
            unknownOrders.ignored(record.value().getClass().getSimpleName(), orderId, now);
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
        final Transition placed = machine.place(checked, correlationId, traceparent, now, timestamp);
        apply(placed, timestamp, traceparent);
        index.placed(placed.state());
        expiry.placed(placed.state());
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
            index.track(state);
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

    /**
     * Expires orders past their hold timeout, asks the gateway again, and forgets orders past their
     * retention. The payment retries and the sweep go by the wall clock alone: a retry is due a
     * delay after the task read the gateway's last "no answer", and is not asked again before its
     * own answer is read, so no answer it could wait for lies unread behind it; the hold expiry runs
     * first, and ends an order before its retention does.
     */
    private void onTimer(final long now) {
        holdClock = holdClock.read(context.currentStreamTimeMs(), now);
        for (final String orderId : index.takeOpenPlacedBefore(holdClock.expiresPlacedUpTo(now))) {
            final OrderState state = orders.get(orderId);
            if (state != null && !state.ended()) {
                onTimer("order hold timeout", state, new OrderInput.HoldTimeout(), now);
            }
        }
        for (final OrderIndex.Timed due : index.takeRetriesDue(now)) {
            final OrderState state = orders.get(due.orderId());
            // an entry whose retry was moved or made already is stale
            if (state != null && Long.valueOf(due.at()).equals(state.payment().retryAt())) {
                onTimer("order payment retry", state, new OrderInput.PaymentRetryDue(), now);
            }
        }
        sweep(now - config.orderRetention().toMillis());
        unknownOrders.report(now);
    }

    /**
     * Forgets at most {@link #SWEEP_BATCH} of the orders placed at or before {@code placedBefore},
     * oldest first, reading only them; while orders stored before the expiry index existed are
     * still without a key in it, gives a batch of them one first.
     */
    private void sweep(final long placedBefore) {
        expiry.backfill(orders, SWEEP_BATCH);
        for (final String orderId : expiry.takePlacedUpTo(placedBefore, SWEEP_BATCH)) {
            final OrderState state = orders.get(orderId);
            // an order placed again under the same id after it was forgotten has a key of its own
            if (state != null && state.placedAt() <= placedBefore) {
                // a put of null deletes without reading the old value back, as delete() does
                orders.put(orderId, null);
                index.forget(state);
            }
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
}
