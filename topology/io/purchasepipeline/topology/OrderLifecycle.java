package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.EbookRequest;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
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
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * Steps 4 and after, per order: the order's state machine. It registers a checked order, asks
 * each SKU for a hold, gathers the answers, charges the payment once (the order id is the
 * gateway's idempotency key), confirms or releases the holds, expires holds that see no payment
 * outcome in time, and asks for the e-books and emails the customer should get. Every status
 * change is forwarded as an {@code OrderEvent}; each order's events are made here, by the order's
 * one owner, so they are in order.
 *
 * <p>Forwards {@code OrderEvent} (key order id), {@code ReservationCommand} (key SKU),
 * {@code EmailRequest} (key email id) and {@code EbookRequest} (key customer id).
 */
final class OrderLifecycle implements Processor<String, OrderInput, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(OrderLifecycle.class);
    /** Prices carry no currency yet: the shop's one. */
    private static final String CURRENCY = "EUR";

    private final PipelineConfig config;
    private final PaymentCall gateway;
    private final OrderStatusListener listener;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, OrderState> orders;
    private KeyValueStore<String, String> timers;

    private OrderLifecycle(final PipelineConfig config, final PaymentCall gateway, final OrderStatusListener listener) {
        this.config = config;
        this.gateway = gateway;
        this.listener = listener;
    }

    static ProcessorSupplier<String, OrderInput, String, Object> supplier(final PipelineConfig config,
            final PaymentCall gateway, final OrderStatusListener listener) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, OrderInput, String, Object> get() {
                return new OrderLifecycle(config, gateway, listener);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(PipelineStores.orders(), PipelineStores.orderTimers());
            }
        };
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.orders = context.getStateStore(StoreNames.ORDERS);
        this.timers = context.getStateStore(StoreNames.ORDER_TIMERS);
        context.schedule(config.timerInterval(), PunctuationType.WALL_CLOCK_TIME, this::onTimer);
    }

    @Override
    public void process(final Record<String, OrderInput> record) {
        if (record.value() instanceof OrderInput.Checked checked) {
            register(record.key(), checked.order(), record.timestamp(), CorrelationId.of(record.headers()));
        } else if (record.value() instanceof OrderInput.Line line) {
            answer(line.result(), record.timestamp());
        }
    }

    private void register(final String orderId, final FraudCheckedOrder checked, final long timestamp,
            final String correlationId) {
        if (orders.get(orderId) != null) {
            log.debug("Order {} already registered: ignored", orderId);
            return;
        }
        final Order order = checked.order();
        final long now = now();
        final long deadline = now + config.holdTimeout().toMillis();
        OrderState state = new OrderState(order, OrderStatus.PENDING, checked.reasons(), mergedLines(order), null,
                deadline, List.of(), correlationId).moveTo(OrderStatus.PENDING, "order received", now);
        orders.put(orderId, state);
        emit(state, timestamp);
        if (checked.fraudulent()) {
            state = state.moveTo(OrderStatus.REJECTED_FRAUD, "fraud check: " + checked.reasons(), now);
            finish(state, timestamp);
            return;
        }
        state = state.moveTo(OrderStatus.RESERVING, "fraud check passed; holding " + state.lines().size() + " SKU(s)", now);
        orders.put(orderId, state);
        emit(state, timestamp);
        timers.put(PipelineStores.deadlineKey(deadline, orderId), orderId);
        for (final LineState line : state.lines()) {
            send(state, line, ReservationAction.HOLD, timestamp);
        }
    }

    private void answer(final LineResult result, final long timestamp) {
        final OrderState current = orders.get(result.orderId());
        if (current == null || current.status() != OrderStatus.RESERVING) {
            // the order was settled (expired) before this answer came; its release already fenced the hold
            log.debug("Late {} for {} of order {}: ignored", result.outcome(), result.sku(), result.orderId());
            return;
        }
        final OrderState state = current.withLine(result);
        if (!state.allAnswered()) {
            orders.put(state.orderId(), state);
            return;
        }
        if (!state.allHeld()) {
            final String missing = state.lines().stream().filter(line -> !line.held())
                    .map(line -> line.sku() + ": " + line.outcome()).collect(Collectors.joining(", "));
            settle(state.moveTo(OrderStatus.REJECTED_OUT_OF_STOCK, missing, now()), ReservationAction.RELEASE,
                    EmailKind.OUT_OF_STOCK, Map.of("unavailable", missing), timestamp);
            return;
        }
        final OrderState awaiting = state.moveTo(OrderStatus.AWAITING_PAYMENT,
                "all SKUs held; total " + state.total().toPlainString(), now());
        orders.put(awaiting.orderId(), awaiting);
        emit(awaiting, timestamp);
        charge(awaiting, timestamp);
    }

    private void charge(final OrderState state, final long timestamp) {
        final PaymentResult result = gateway.pay(new PaymentRequest(state.orderId(), state.order().customerId(),
                PaymentOperation.AUTHORISE, state.total(), CURRENCY, state.order().payment().card(), null));
        if (result.status() == PaymentStatus.UNAVAILABLE) {
            log.warn("Payment for order {} not answered, will retry until its holds expire: {}", state.orderId(),
                    result.detail());
            orders.put(state.orderId(), state);
            timers.put(PipelineStores.retryKey(state.orderId()), state.orderId());
            return;
        }
        // a retry timer, if this was a retry, goes when the order is settled (finish)
        final OrderState paid = state.withPayment(result.paymentId() + " " + result.status());
        if (result.status().approved()) {
            final OrderState completed = paid.moveTo(OrderStatus.COMPLETED, "payment " + result.paymentId() + " approved", now());
            settle(completed, ReservationAction.CONFIRM, EmailKind.ORDER_COMPLETED, completionDetails(completed), timestamp);
            requestEbooks(completed, timestamp);
        } else {
            settle(paid.moveTo(OrderStatus.PAYMENT_DECLINED, "payment " + result.paymentId() + " " + result.status(), now()),
                    ReservationAction.RELEASE, EmailKind.PAYMENT_FAILED, Map.of("reason", result.status().name()),
                    timestamp);
        }
    }

    /** Ends the order: confirms or releases every SKU (a release of a refused line clears its record) and emails. */
    private void settle(final OrderState state, final ReservationAction action, final EmailKind email,
            final Map<String, String> details, final long timestamp) {
        for (final LineState line : state.lines()) {
            send(state, line, action, timestamp);
        }
        final EmailRequest request = Emails.of(state.order(), email, details);
        context.forward(new Record<>(request.emailId(), request, timestamp, CorrelationId.headers(state.correlationId())));
        finish(state, timestamp);
    }

    private void finish(final OrderState state, final long timestamp) {
        orders.put(state.orderId(), state);
        timers.delete(PipelineStores.deadlineKey(state.deadline(), state.orderId()));
        forgetRetry(state.orderId());
        timers.put(PipelineStores.purgeKey(state.lastEvent().at() + config.orderRetention().toMillis(), state.orderId()),
                state.orderId());
        emit(state, timestamp);
    }

    /**
     * The total, and the e-books the email carries: {@code ebooks} lists their SKUs, and
     * {@code ebook.<sku>} gives each one's title.
     */
    private static Map<String, String> completionDetails(final OrderState state) {
        final Map<String, String> details = new LinkedHashMap<>();
        details.put("total", state.total().toPlainString());
        final List<LineState> ebooks = state.lines().stream().filter(line -> line.kind() == ProductKind.DIGITAL).toList();
        if (!ebooks.isEmpty()) {
            details.put("ebooks", ebooks.stream().map(LineState::sku).collect(Collectors.joining(",")));
            ebooks.forEach(line -> details.put("ebook." + line.sku(), line.name()));
        }
        return details;
    }

    private void requestEbooks(final OrderState state, final long timestamp) {
        final Order order = state.order();
        for (final LineState line : state.lines()) {
            if (line.kind() == ProductKind.DIGITAL) {
                context.forward(new Record<>(order.customerId(), new EbookRequest(order.orderId(), order.customerId(),
                        order.customerName(), order.email(), line.sku(), line.name()), timestamp,
                        CorrelationId.headers(state.correlationId())));
            }
        }
    }

    /**
     * Expires orders past their deadline, retries payments the gateway did not answer, and forgets
     * ended orders past their retention (so the store holds a bounded window of orders).
     */
    private void onTimer(final long now) {
        expire(now);
        retryPayments(now);
        purge(now);
    }

    private void expire(final long now) {
        final List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> due = timers.range(PipelineStores.deadlineKey(0, ""),
                PipelineStores.deadlineUpperBound(now))) {
            due.forEachRemaining(entry -> expired.add(entry.value));
        }
        for (final String orderId : expired) {
            final OrderState state = orders.get(orderId);
            if (state != null && !state.status().terminal()) {
                settle(state.moveTo(OrderStatus.EXPIRED, "no payment outcome within " + config.holdTimeout(), now),
                        ReservationAction.RELEASE, EmailKind.ORDER_EXPIRED, Map.of(), now);
            } else if (state != null) {
                timers.delete(PipelineStores.deadlineKey(state.deadline(), orderId));
            }
        }
    }

    private void retryPayments(final long now) {
        final List<String> retries = new ArrayList<>();
        try (KeyValueIterator<String, String> due = timers.prefixScan(PipelineStores.RETRY_PREFIX, new StringSerializer())) {
            due.forEachRemaining(entry -> retries.add(entry.value));
        }
        for (final String orderId : retries) {
            final OrderState state = orders.get(orderId);
            if (state != null && state.status() == OrderStatus.AWAITING_PAYMENT) {
                charge(state, now);
            } else {
                timers.delete(PipelineStores.retryKey(orderId));
            }
        }
    }

    private void purge(final long now) {
        final List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> entries = timers.range(PipelineStores.purgeKey(0, ""),
                PipelineStores.purgeUpperBound(now))) {
            entries.forEachRemaining(due::add);
        }
        for (final KeyValue<String, String> entry : due) {
            orders.delete(entry.value);
            timers.delete(entry.key);
        }
    }

    /**
     * Nearly every payment is answered at its first attempt and never had a retry timer; deleting
     * one anyway would write a tombstone to the timers' changelog for every order.
     */
    private void forgetRetry(final String orderId) {
        final String key = PipelineStores.retryKey(orderId);
        if (timers.get(key) != null) {
            timers.delete(key);
        }
    }

    private void send(final OrderState state, final LineState line, final ReservationAction action, final long timestamp) {
        context.forward(new Record<>(line.sku(), new ReservationCommand(state.orderId(), line.sku(), action,
                line.quantity(), state.order().customerId()), timestamp, CorrelationId.headers(state.correlationId())));
    }

    private void emit(final OrderState state, final long timestamp) {
        context.forward(new Record<>(state.orderId(), state.lastEvent(), timestamp,
                CorrelationId.headers(state.correlationId())));
        listener.changed(state.lastEvent());
    }

    private long now() {
        return context.currentSystemTimeMs();
    }

    /** One line per SKU: two lines for one SKU are one hold of their sum. */
    private static List<LineState> mergedLines(final Order order) {
        final Map<String, Integer> quantities = new LinkedHashMap<>();
        for (final OrderLine line : order.items()) {
            quantities.merge(line.sku(), line.quantity(), Integer::sum);
        }
        return quantities.entrySet().stream()
                .map(entry -> new LineState(entry.getKey(), entry.getValue(), null, null, null, null))
                .toList();
    }
}
