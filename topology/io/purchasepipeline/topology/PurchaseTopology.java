package io.purchasepipeline.topology;

import io.opentelemetry.api.OpenTelemetry;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import io.purchasepipeline.stores.WindowCounts;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The whole purchase pipeline as one topology. It reads like the pipeline: intake, fraud check
 * branching into rejected and clean, each order's life from its receipt, holds and payment to
 * settlement, e-books and emails, and reservation per SKU.
 *
 * <p>Two keys, two kinds of task. The customer's task (customer id) takes the customer's orders in,
 * checks them for fraud and runs each order's whole life: the order lives with its customer, so
 * nothing is re-keyed by order id. The SKU's task (SKU) applies every command for one SKU or seat
 * one at a time. An order crosses three exactly-once commit boundaries from placed to ended:
 * customer (HOLDs and the authorisation asked) → SKU (held or not) → customer (confirmed or
 * released); the payment worker answers alongside the SKUs, on {@code payment-results}.
 */
public final class PurchaseTopology {

    /** The workers' reports' partial analytics counts, on one partition. */
    public static final String ANALYTICS_COUNTS = "analytics-counts";
    /** Every customer task's partial counts of orders, on one partition. */
    public static final String ANALYTICS_ORDER_COUNTS = "analytics-order-counts";
    /** The exactly-once commit boundaries an order crosses from placed to ended. */
    public static final int ORDER_PATH_HOPS = 3;

    private PurchaseTopology() {}

    /** The production topology; {@code props} are the application's settings, not changed here. */
    public static Topology build(final PipelineConfig config, final Properties props) {
        return build(config, OrderStatusListener.NONE, props);
    }

    /** The same, with {@code listener} told of every order status change as it is made. */
    public static Topology build(
            final PipelineConfig config, final OrderStatusListener listener, final Properties props) {
        return build(config, listener, TraceParent.UNTRACED, props);
    }

    /**
     * The same, each hop of an order a span of {@code telemetry}'s (see {@link HopSpans}); with
     * {@link TraceParent#UNTRACED}, contexts that come in are passed on and nothing is recorded.
     */
    public static Topology build(
            final PipelineConfig config,
            final OrderStatusListener listener,
            final OpenTelemetry telemetry,
            final Properties props) {
        final HopSpans spans = telemetry == TraceParent.UNTRACED ? HopSpans.UNTRACED : new HopSpans(telemetry);
        final StreamsBuilder builder = new StreamsBuilder();

        builder.addGlobalStore(
                PipelineStores.productCatalog(),
                Topics.PRODUCTS.name(),
                Consumed.with(Serdes.String(), Topics.PRODUCTS.valueSerde()).withName("catalog-replica"),
                CatalogReplica::new);
        // the orders' states: written by the order's life, read by the intake to drop replays; and
        // their index by time (expiry, retries, the velocity window), made from them in memory
        builder.addStateStore(PipelineStores.orders());
        builder.addStateStore(PipelineStores.orderIndex(config.velocityWindow()));
        builder.addStateStore(PipelineStores.orderExpiry());

        // 1. Intake: valid, first-seen orders. The customer's receipt goes with the order's first step
        // (4-7), itemised at the catalog's prices, which the fraud check looks up.
        final KStream<String, Order> orders = builder.stream(Topics.ORDERS.name(), Topics.ORDERS.consumed())
                .process(OrderAdmission.supplier(spans), Named.as("order-intake"), StoreNames.ORDERS);

        // 2. Fraud check, per customer, branching on its verdict.
        final KStream<String, CustomerCommand> customerCommands = orders.<CustomerCommand>mapValues(
                        CustomerCommand.PlaceOrder::new, Named.as("place-order"))
                .merge(
                        builder.stream(Topics.CUSTOMER_FLAGS.name(), Topics.CUSTOMER_FLAGS.consumed())
                                .<CustomerCommand>mapValues(CustomerCommand.ChangeFlag::new, Named.as("change-flag")),
                        Named.as("customer-commands"));
        final Map<String, KStream<String, FraudCheckedOrder>> verdicts = customerCommands
                .process(
                        FraudCheck.supplier(config), Named.as("fraud-check"), StoreNames.ORDERS, StoreNames.ORDER_INDEX)
                .split(Named.as("fraud-"))
                .branch(
                        (customerId, checked) -> checked.fraudulent(),
                        Branched.withFunction(rejected -> rejectForFraud(rejected, config.currency()), "rejected"))
                .defaultBranch(Branched.as("clean"));

        // 4-7. Each order's life, in its customer's task: holds and authorisation, settlement,
        // expiry, e-books, emails, audit trail; its SKUs and the payment worker answer here.
        final KStream<String, OrderInput> orderInputs = verdicts.get("fraud-clean")
                .merge(verdicts.get("fraud-rejected"), Named.as("checked-orders"))
                .<OrderInput>mapValues(OrderInput.Checked::new, Named.as("order-checked"))
                .merge(
                        builder.stream(Topics.RESERVATION_RESULTS.name(), Topics.RESERVATION_RESULTS.consumed())
                                .<OrderInput>mapValues(OrderInput.LineAnswered::new, Named.as("line-answered")),
                        Named.as("order-lines"))
                .merge(
                        builder.stream(Topics.PAYMENT_RESULTS.name(), Topics.PAYMENT_RESULTS.consumed())
                                .<OrderInput>mapValues(OrderInput.PaymentAnswered::new, Named.as("payment-answered")),
                        Named.as("order-inputs"));
        final BranchedKStream<String, OrderOutput> orderOutputs = orderInputs
                .process(
                        OrderLifecycle.supplier(config, listener, spans),
                        Named.as("order-lifecycle"),
                        StoreNames.ORDERS,
                        StoreNames.ORDER_INDEX,
                        StoreNames.ORDER_EXPIRY)
                .split(Named.as("order-"));
        for (final OrderOutput.Route route : OrderOutput.Route.values()) {
            if (route != OrderOutput.Route.EVENT) {
                to(
                        orderOutputs,
                        routeName(route.name()),
                        output -> output.route() == route,
                        OrderOutput::value,
                        topicOf(route));
            }
        }
        final KStream<String, OrderEvent> events = orderOutputs
                .branch((orderId, output) -> output.route() == OrderOutput.Route.EVENT, Branched.as("event"))
                .defaultBranch(Branched.withConsumer(
                        unrouted -> unrouted.process(Unrouted::new, Named.as("order-no-route")), "unrouted"))
                .get("order-event")
                .mapValues(output -> Topics.ORDER_EVENTS.valueType().cast(output.value()), Named.as("event-value"));
        events.to(Topics.ORDER_EVENTS.name(), Topics.ORDER_EVENTS.produced("event"));

        // 3. Reservation, per SKU: orders' commands, the catalog and direct seat commands, one at a time.
        final KStream<String, SkuCommand> skuCommands = builder.stream(
                        Topics.RESERVATION_COMMANDS.name(), Topics.RESERVATION_COMMANDS.consumed())
                .<SkuCommand>mapValues(SkuCommand.Reserve::new, Named.as("reserve"))
                .merge(
                        builder.stream(Topics.CATALOG.name(), Topics.CATALOG.consumed())
                                .<SkuCommand>mapValues(SkuCommand.Define::new, Named.as("define")),
                        Named.as("sku-commands-catalog"))
                .merge(
                        builder.stream(Topics.SEAT_RESERVATIONS.name(), Topics.SEAT_RESERVATIONS.consumed())
                                .<SkuCommand>mapValues(SkuCommand.Seat::new, Named.as("seat")),
                        Named.as("sku-commands"));
        final BranchedKStream<String, SkuOutput> skuOutputs = skuCommands
                .process(SkuReservations.supplier(spans), Named.as("sku-reservations"))
                .split(Named.as("sku-"));
        for (final SkuOutput.Route route : SkuOutput.Route.values()) {
            to(
                    skuOutputs,
                    routeName(route.name()),
                    output -> output.route() == route,
                    SkuOutput::value,
                    topicOf(route));
        }
        skuOutputs.defaultBranch(Branched.withConsumer(
                unrouted -> unrouted.process(Unrouted::new, Named.as("sku-no-route")), "unrouted"));

        // 8. Analytics: per-window counts in each task that sees what happens (the orders' events in the
        // customer's task, as they are made; the workers' reports from their topics: the mail sender's
        // already counted per transaction), combined on one key, judged against baselines.
        final KStream<String, WindowCounts> orderCounts = events.<AnalyticsInput>mapValues(
                        AnalyticsInput.Status::new, Named.as("count-status"))
                .process(
                        AnalyticsTally.supplier(config.analytics(), StoreNames.ANALYTICS_ORDER_TALLY),
                        Named.as("analytics-order-tally"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(WindowCounts.class))
                        .withName(ANALYTICS_ORDER_COUNTS)
                        .withNumberOfPartitions(1));
        builder.stream(Topics.EMAIL_COUNTS.name(), Topics.EMAIL_COUNTS.consumed())
                .filter((none, counts) -> counts != null, Named.as("email-counts-present"))
                .<AnalyticsInput>mapValues(AnalyticsInput.Emails::new, Named.as("count-emails"))
                .merge(
                        builder.stream(Topics.EBOOKS_GENERATED.name(), Topics.EBOOKS_GENERATED.consumed())
                                .<AnalyticsInput>mapValues(AnalyticsInput.Ebook::new, Named.as("count-ebook")),
                        Named.as("analytics-inputs"))
                .process(
                        AnalyticsTally.supplier(config.analytics(), StoreNames.ANALYTICS_TALLY),
                        Named.as("analytics-tally"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(WindowCounts.class))
                        .withName(ANALYTICS_COUNTS)
                        .withNumberOfPartitions(1))
                .merge(orderCounts, Named.as("analytics-counts-merged"))
                .process(AnalyticsWindows.supplier(config.analytics()), Named.as("analytics-windows"))
                .to(Topics.ALERTS.name(), Topics.ALERTS.produced("alerts"));

        return builder.build(props);
    }

    /** The rejected branch: the customer gets a security notice; the order goes on to be recorded as rejected. */
    private static KStream<String, FraudCheckedOrder> rejectForFraud(
            final KStream<String, FraudCheckedOrder> rejected, final String currency) {
        rejected.map(
                        (customerId, checked) -> toEmail(Emails.securityNotice(checked, currency)),
                        Named.as("security-notice-email"))
                .to(Topics.EMAILS.name(), Topics.EMAILS.produced("security-notice"));
        return rejected;
    }

    private static KeyValue<String, EmailRequest> toEmail(final EmailRequest email) {
        return KeyValue.pair(email.emailId(), email);
    }

    /** A route's name in node names: {@code SKU_COMMAND} → {@code sku-command}. */
    static String routeName(final String route) {
        return route.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every route has its topic: a route added without one does not compile. */
    static Topic<?> topicOf(final OrderOutput.Route route) {
        return switch (route) {
            case EVENT -> Topics.ORDER_EVENTS;
            case SKU_COMMAND -> Topics.RESERVATION_COMMANDS;
            case PAYMENT -> Topics.PAYMENT_REQUESTS;
            case EMAIL -> Topics.EMAILS;
            case EBOOK -> Topics.EBOOK_REQUESTS;
        };
    }

    static Topic<?> topicOf(final SkuOutput.Route route) {
        return switch (route) {
            case LINE_RESULT -> Topics.RESERVATION_RESULTS;
            case SEAT_RESULT -> Topics.SEAT_RESERVATION_RESULTS;
            case PRODUCT -> Topics.PRODUCTS;
        };
    }

    /** A branch for the outputs that {@code matches} takes, their values written to {@code topic}. */
    private static <O, V> void to(
            final BranchedKStream<String, O> outputs,
            final String name,
            final Predicate<O> matches,
            final Function<O, Object> value,
            final Topic<V> topic) {
        outputs.branch(
                (key, output) -> matches.test(output),
                Branched.withConsumer(
                        matching -> matching.mapValues(
                                        output -> topic.valueType().cast(value.apply(output)),
                                        Named.as(name + "-value"))
                                .to(topic.name(), topic.produced(name)),
                        name));
    }

    /** An output no branch takes is a bug in the topology: it stops the task loudly rather than vanish. */
    private static final class Unrouted<O> implements Processor<String, O, Void, Void> {
        @Override
        public void process(final Record<String, O> record) {
            throw new IllegalStateException("No sink for " + record.value() + " (key " + record.key() + ")");
        }
    }
}
