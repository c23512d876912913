package io.purchasepipeline.topology;

import static io.purchasepipeline.stores.InvalidCommandException.require;

import io.opentelemetry.api.trace.Span;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.StoreNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 1: takes an order in. An order that cannot be processed (no lines, a quantity below one, a
 * key that is not its customer) is refused before anything is written, so it reaches
 * {@code dead-letters} whole; an order id this task already has (a producer retry, a replayed
 * request) is dropped, so every order is processed once. The order's own state is the memory of
 * what was seen: it is kept for the order retention, and one customer's orders all come to this
 * task, the one that keeps them.
 *
 * <p>A new order opens the span of its first hop, around everything its task does with it in one
 * go (intake, fraud check, holds and authorisation asked, emails): what it forwards carries that
 * span's context.
 */
final class OrderAdmission implements Processor<String, Order, String, Order> {

    private static final Logger log = LoggerFactory.getLogger(OrderAdmission.class);

    private final HopSpans spans;
    private ProcessorContext<String, Order> context;
    private KeyValueStore<String, OrderState> orders;

    private OrderAdmission(final HopSpans spans) {
        this.spans = spans;
    }

    /** Reads the {@code order-status} store, which the topology adds and {@link OrderLifecycle} writes. */
    static ProcessorSupplier<String, Order, String, Order> supplier(final HopSpans spans) {
        return () -> new OrderAdmission(spans);
    }

    @Override
    public void init(final ProcessorContext<String, Order> context) {
        this.context = context;
        this.orders = context.getStateStore(StoreNames.ORDERS);
    }

    @Override
    public void process(final Record<String, Order> record) {
        final Order order = record.value();
        validate(record.key(), order);
        if (orders.get(order.orderId()) != null) {
            log.debug("Order {} seen before: dropped", order.orderId());
            return;
        }
        final Span span = spans.start("order intake", record.headers(), Topics.ORDERS.name(), order.orderId(), null);
        try {
            context.forward(record.withHeaders(TraceParent.with(record.headers(), span.getSpanContext())));
        } catch (RuntimeException e) {
            HopSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    static void validate(final String key, final Order order) {
        require(order != null, "order record without a value");
        require(notBlank(order.orderId()), "order without an orderId");
        require(notBlank(order.customerId()), "order " + order.orderId() + " without a customerId");
        require(
                order.customerId().equals(key),
                "order " + order.orderId() + " is keyed by " + key + ", not by its customer " + order.customerId());
        require(notBlank(order.email()), "order " + order.orderId() + " without an email");
        require(!order.items().isEmpty(), "order " + order.orderId() + " has no items");
        for (final OrderLine line : order.items()) {
            require(line != null && notBlank(line.sku()), "order " + order.orderId() + " has a line without a sku");
            require(
                    line.quantity() > 0,
                    "order " + order.orderId() + " asks for " + line.quantity() + " of " + line.sku());
        }
        require(
                order.payment() != null && notBlank(order.payment().card()),
                "order " + order.orderId() + " without payment details");
    }

    private static boolean notBlank(final String value) {
        return value != null && !value.isBlank();
    }
}
