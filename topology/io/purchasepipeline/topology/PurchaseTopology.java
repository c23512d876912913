package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.WindowCounts;
import java.util.Map;
import java.util.Properties;
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

/**
 * The whole purchase pipeline as one topology. It reads like the pipeline: intake, order-received
 * email, fraud check branching into rejected and clean, reservation per SKU, and each order's
 * life from holds to payment, settlement, e-books and emails.
 *
 * <p>Three keys, three kinds of task: customer id (intake and fraud: a customer's orders in
 * order), SKU (every command for one SKU or seat on one partition, applied one at a time) and
 * order id (one owner per order decides its fate once). Records cross from one to the next
 * through named repartition topics, and orders' commands go back to the SKUs through
 * {@code reservation-commands}.
 */
public final class PurchaseTopology {

    /** The names of the two repartition topics (prefixed with the application id by Kafka Streams). */
    public static final String ORDERS_BY_ID = "orders-by-id";
    public static final String RESERVATION_RESULTS = "reservation-results";
    /** Every partition's partial analytics counts, on one partition. */
    public static final String ANALYTICS_COUNTS = "analytics-counts";

    private PurchaseTopology() {
    }

    /** The production topology; {@code props} are the application's settings, not changed here. */
    public static Topology build(final PipelineConfig config, final PaymentCall gateway, final Properties props) {
        return build(config, gateway, OrderStatusListener.NONE, props);
    }

    /** The same, with {@code listener} told of every order status change as it is made. */
    public static Topology build(final PipelineConfig config, final PaymentCall gateway,
            final OrderStatusListener listener, final Properties props) {
        final StreamsBuilder builder = new StreamsBuilder();

        builder.addGlobalStore(PipelineStores.productCatalog(), Topics.PRODUCTS.name(),
                Consumed.with(Serdes.String(), Topics.PRODUCTS.valueSerde()).withName("catalog-replica"),
                CatalogReplica::new);

        // 1. Intake: valid, first-seen orders; the customer hears at once that the order is in.
        final KStream<String, Order> orders = builder.stream(Topics.ORDERS.name(), Topics.ORDERS.consumed())
                .process(OrderIntake.supplier(config), Named.as("order-intake"));
        orders.map((customerId, order) -> toEmail(Emails.of(order, EmailKind.ORDER_RECEIVED)), Named.as("order-received-email"))
                .to(Topics.EMAILS.name(), Topics.EMAILS.produced("order-received"));

        // 2. Fraud check, per customer, branching on its verdict.
        final KStream<String, CustomerCommand> customerCommands = orders
                .<CustomerCommand>mapValues(CustomerCommand.PlaceOrder::new, Named.as("place-order"))
                .merge(builder.stream(Topics.CUSTOMER_FLAGS.name(), Topics.CUSTOMER_FLAGS.consumed())
                        .<CustomerCommand>mapValues(CustomerCommand.ChangeFlag::new, Named.as("change-flag")), Named.as("customer-commands"));
        final Map<String, KStream<String, FraudCheckedOrder>> verdicts = customerCommands
                .process(FraudCheck.supplier(config), Named.as("fraud-check"))
                .split(Named.as("fraud-"))
                .branch((customerId, checked) -> checked.fraudulent(), Branched.withFunction(PurchaseTopology::rejectForFraud, "rejected"))
                .defaultBranch(Branched.as("clean"));
        final KStream<String, OrderInput> checkedOrders = verdicts.get("fraud-clean")
                .merge(verdicts.get("fraud-rejected"), Named.as("checked-orders"))
                .selectKey((customerId, checked) -> checked.order().orderId(), Named.as("key-by-order-id"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(FraudCheckedOrder.class)).withName(ORDERS_BY_ID))
                .<OrderInput>mapValues(OrderInput.Checked::new, Named.as("order-checked"));

        // 3. Reservation, per SKU: orders' commands, the catalog and direct seat commands, one at a time.
        final KStream<String, SkuCommand> skuCommands = builder
                .stream(Topics.RESERVATION_COMMANDS.name(), Topics.RESERVATION_COMMANDS.consumed())
                .<SkuCommand>mapValues(SkuCommand.Reserve::new, Named.as("reserve"))
                .merge(builder.stream(Topics.CATALOG.name(), Topics.CATALOG.consumed())
                        .<SkuCommand>mapValues(SkuCommand.Define::new, Named.as("define")), Named.as("sku-commands-catalog"))
                .merge(builder.stream(Topics.SEAT_RESERVATIONS.name(), Topics.SEAT_RESERVATIONS.consumed())
                        .<SkuCommand>mapValues(SkuCommand.Seat::new, Named.as("seat")), Named.as("sku-commands"));
        final BranchedKStream<String, Object> skuOutcomes = skuCommands
                .process(SkuReservations.supplier(), Named.as("sku-reservations"))
                .split(Named.as("sku-"));
        to(skuOutcomes, Topics.SEAT_RESERVATION_RESULTS, "seat-results");
        skuOutcomes.branch((sku, value) -> value == null || value instanceof Product,
                Branched.withConsumer(products -> products.mapValues(Product.class::cast, Named.as("products-cast"))
                        .to(Topics.PRODUCTS.name(), Topics.PRODUCTS.produced("products")), "products"));
        final KStream<String, OrderInput> lineResults = skuOutcomes
                .defaultBranch(Branched.as("line-results"))
                .get("sku-line-results")
                .mapValues(LineResult.class::cast, Named.as("line-result-cast"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(LineResult.class)).withName(RESERVATION_RESULTS))
                .<OrderInput>mapValues(OrderInput.Line::new, Named.as("line-answered"));

        // 4-7. Each order's life: holds, payment, settlement, expiry, e-books, emails, audit trail.
        final BranchedKStream<String, Object> orderOutcomes = checkedOrders
                .merge(lineResults, Named.as("order-inputs"))
                .process(OrderLifecycle.supplier(config, gateway, listener), Named.as("order-lifecycle"))
                .split(Named.as("order-"));
        to(orderOutcomes, Topics.ORDER_EVENTS, "events");
        to(orderOutcomes, Topics.RESERVATION_COMMANDS, "sku-commands");
        to(orderOutcomes, Topics.EMAILS, "emails");
        to(orderOutcomes, Topics.EBOOK_REQUESTS, "ebooks");
        orderOutcomes.noDefaultBranch();

        // 8. Analytics: per-window counts on each partition, combined on one key, judged against baselines.
        builder.stream(Topics.ORDER_EVENTS.name(), Topics.ORDER_EVENTS.consumed())
                .<AnalyticsInput>mapValues(AnalyticsInput.Status::new, Named.as("count-status"))
                .merge(builder.stream(Topics.EMAIL_OUTCOMES.name(), Topics.EMAIL_OUTCOMES.consumed())
                        .filter((emailId, outcome) -> outcome != null, Named.as("email-outcomes-present"))
                        .<AnalyticsInput>mapValues(AnalyticsInput.Email::new, Named.as("count-email")), Named.as("analytics-emails"))
                .merge(builder.stream(Topics.EBOOKS_GENERATED.name(), Topics.EBOOKS_GENERATED.consumed())
                        .<AnalyticsInput>mapValues(AnalyticsInput.Ebook::new, Named.as("count-ebook")), Named.as("analytics-inputs"))
                .process(AnalyticsTally.supplier(config.analytics()), Named.as("analytics-tally"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(WindowCounts.class))
                        .withName(ANALYTICS_COUNTS).withNumberOfPartitions(1))
                .process(AnalyticsWindows.supplier(config.analytics()), Named.as("analytics-windows"))
                .to(Topics.ALERTS.name(), Topics.ALERTS.produced("alerts"));

        return builder.build(props);
    }

    /** The rejected branch: the customer gets a security notice; the order goes on to be recorded as rejected. */
    private static KStream<String, FraudCheckedOrder> rejectForFraud(final KStream<String, FraudCheckedOrder> rejected) {
        rejected.map((customerId, checked) -> toEmail(Emails.of(checked.order(), EmailKind.SECURITY_NOTICE,
                        Map.of("reasons", checked.reasons().toString()))), Named.as("security-notice-email"))
                .to(Topics.EMAILS.name(), Topics.EMAILS.produced("security-notice"));
        return rejected;
    }

    private static KeyValue<String, EmailRequest> toEmail(final EmailRequest email) {
        return KeyValue.pair(email.emailId(), email);
    }

    /** A branch for the outcomes of one type, written to the topic of that type. */
    private static <V> void to(final BranchedKStream<String, Object> outcomes, final Topic<V> topic, final String name) {
        outcomes.branch((key, value) -> topic.valueType().isInstance(value),
                Branched.withConsumer(matching -> matching
                        .mapValues(topic.valueType()::cast, Named.as(name + "-cast"))
                        .to(topic.name(), topic.produced(name)), name));
    }
}
