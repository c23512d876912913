package io.purchasepipeline.topology;

import io.opentelemetry.api.OpenTelemetry;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.serdes.Alert;
import io.purchasepipeline.serdes.EbookGenerated;
import io.purchasepipeline.serdes.EbookRequest;
import io.purchasepipeline.serdes.EmailCounts;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FlagAction;
import io.purchasepipeline.serdes.FlagCommand;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import io.purchasepipeline.stores.Inventory;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.StoreNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production topology and settings in a {@link TopologyTestDriver}, with the pipeline's
 * topics and stores at hand. Record time and wall-clock time both start at {@link #START} and move
 * only when a test moves them.
 */
final class PipelineDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    final TopologyTestDriver driver;
    final Properties props;
    private final Path stateDir;
    private final TestInputTopic<String, Order> orders;
    private final TestInputTopic<String, Product> catalog;
    private final TestInputTopic<String, SeatCommand> seats;
    private final TestInputTopic<String, FlagCommand> flags;
    private final TestInputTopic<String, ReservationCommand> reservationCommands;
    private final GatewayDesk payments;
    private final TestOutputTopic<String, PaymentRequest> paymentRequests;
    private final TestInputTopic<String, PaymentResult> paymentResults;
    private final TestOutputTopic<String, OrderEvent> events;
    private final TestOutputTopic<String, EmailRequest> emails;
    private final TestOutputTopic<String, EbookRequest> ebooks;
    private final TestOutputTopic<String, SeatResult> seatResults;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestInputTopic<String, EmailCounts> emailCounts;
    private final TestInputTopic<String, EbookGenerated> ebooksGenerated;
    private final List<TestRecord<String, PaymentRequest>> answered = new ArrayList<>();
    private Instant recordTime = START;
    private int sequence;

    PipelineDriver(final GatewayDesk payments, final Map<String, String> settings) {
        this(payments, settings, TraceParent.UNTRACED);
    }

    /** With each hop of an order a span of {@code telemetry}'s. */
    PipelineDriver(final GatewayDesk payments, final Map<String, String> settings, final OpenTelemetry telemetry) {
        this.payments = payments;
        try {
            stateDir = Files.createTempDirectory("pipeline-driver");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props = StreamsSettings.of("localhost:9092", stateDir, settings);
        driver = new TopologyTestDriver(
                PurchaseTopology.build(PipelineConfig.from(props), OrderStatusListener.NONE, telemetry, props),
                props,
                START);
        orders = input(Topics.ORDERS);
        catalog = input(Topics.CATALOG);
        seats = input(Topics.SEAT_RESERVATIONS);
        flags = input(Topics.CUSTOMER_FLAGS);
        reservationCommands = input(Topics.RESERVATION_COMMANDS);
        paymentRequests = output(Topics.PAYMENT_REQUESTS);
        paymentResults = input(Topics.PAYMENT_RESULTS);
        events = output(Topics.ORDER_EVENTS);
        emails = output(Topics.EMAILS);
        ebooks = output(Topics.EBOOK_REQUESTS);
        seatResults = output(Topics.SEAT_RESERVATION_RESULTS);
        alerts = output(Topics.ALERTS);
        emailCounts = input(Topics.EMAIL_COUNTS);
        ebooksGenerated = input(Topics.EBOOKS_GENERATED);
        deadLetters =
                driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private <V> TestInputTopic<String, V> input(final Topic<V> topic) {
        return driver.createInputTopic(
                topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private <V> TestOutputTopic<String, V> output(final Topic<V> topic) {
        return driver.createOutputTopic(
                topic.name(),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    // ---- inputs

    void define(final String sku, final ProductKind kind, final String price, final Long stock) {
        catalog.pipeInput(sku, new Product(sku, "Product " + sku, kind, new BigDecimal(price), stock), recordTime);
        answerPayments();
    }

    /** Removes {@code sku} from the global catalog replica only, as if its record had not reached it yet. */
    void dropFromCatalogReplica(final String sku) {
        input(Topics.PRODUCTS).pipeInput(sku, null, recordTime);
    }

    void deleteProduct(final String sku) {
        catalog.pipeInput(sku, null, recordTime);
        answerPayments();
    }

    Order order(final String customerId, final String card, final OrderLine... lines) {
        final Order order = new Order(
                "o-" + ++sequence,
                customerId,
                "Name of " + customerId,
                customerId + "@example.com",
                List.of(lines),
                new PaymentDetails(card));
        place(order);
        return order;
    }

    void place(final Order order) {
        orders.pipeInput(order.customerId(), order, recordTime);
        answerPayments();
    }

    void rawOrder(final String key, final String json) {
        driver.createInputTopic(Topics.ORDERS.name(), new StringSerializer(), new StringSerializer())
                .pipeInput(key, json, recordTime);
        answerPayments();
    }

    void rawBytes(final String topic, final String key, final byte[] value) {
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(key, value, recordTime);
        answerPayments();
    }

    void flag(final String customerId, final FlagAction action) {
        flags.pipeInput(customerId, new FlagCommand(customerId, action, "operator"), recordTime);
        answerPayments();
    }

    SeatResult seat(final String seatId, final String user, final SeatAction action) {
        seats.pipeInput(seatId, new SeatCommand("req-" + ++sequence, seatId, user, action), recordTime);
        final List<SeatResult> results = seatResults.readValuesToList();
        return results.get(results.size() - 1);
    }

    /** What one transaction of the mail sender settled, as it counts it. */
    void emailCounts(final EmailCounts counts) {
        emailCounts.pipeInput(null, counts, recordTime);
    }

    void ebookGenerated(final EbookGenerated ebook) {
        ebooksGenerated.pipeInput(ebook.customerId(), ebook, recordTime);
    }

    /** Sets the time of records to come. */
    void recordTime(final Instant at) {
        recordTime = at;
    }

    void reservationCommand(final ReservationCommand command) {
        reservationCommands.pipeInput(command.sku(), command, recordTime);
        answerPayments();
    }

    /** Moves the time of records to come (the velocity window is on record time). */
    void advanceRecordTime(final Duration duration) {
        recordTime = recordTime.plus(duration);
    }

    /** Moves wall-clock time, firing due punctuations (hold expiry, payment retries). */
    void advanceWallClock(final Duration duration) {
        driver.advanceWallClockTime(duration);
        answerPayments();
    }

    /**
     * The customer's task behind its inputs: for {@code wall} of wall clock, a minute at a time, it
     * reads only what was written in {@code read} of record time (another customer's flag each
     * minute), so its stream time moves on but lags the wall clock. What the topology answers
     * meanwhile is answered as ever; a silent gateway's answers wait until {@link #resumePayments()}.
     */
    void readBehind(final Duration wall, final Duration read) {
        final long minutes = wall.toMinutes();
        for (long minute = 0; minute < minutes; minute++) {
            advanceRecordTime(read.dividedBy(minutes));
            flag("another-customer", FlagAction.CLEAR);
            advanceWallClock(Duration.ofMinutes(1));
        }
    }

    /**
     * Plays the payment worker: answers every request the topology made, and the requests those
     * answers lead to, until none is left (or the desk is silent). An answer carries its request's
     * headers (correlation id, trace context), as the worker's do.
     */
    void answerPayments() {
        List<TestRecord<String, PaymentRequest>> asked = paymentRequests.readRecordsToList();
        while (!asked.isEmpty()) {
            for (final TestRecord<String, PaymentRequest> request : asked) {
                answered.add(request);
                final PaymentResult result = payments.answer(request.value());
                if (result != null) {
                    paymentResults.pipeInput(
                            new TestRecord<>(result.customerId(), result, request.headers(), recordTime));
                }
            }
            asked = paymentRequests.readRecordsToList();
        }
    }

    /** The payment requests {@link #answerPayments()} took since the last call, as written (headers too). */
    List<TestRecord<String, PaymentRequest>> takenPaymentRequests() {
        final List<TestRecord<String, PaymentRequest>> taken = List.copyOf(answered);
        answered.clear();
        return taken;
    }

    /** The payment worker answers again: the requests it held get their answers now. */
    void resumePayments() {
        for (final PaymentRequest request : payments.answerHeld()) {
            payAnswer(payments.answer(request));
        }
        answerPayments();
    }

    /** A payment result, as the worker would write it (null: no answer). */
    void payAnswer(final PaymentResult result) {
        if (result != null) {
            paymentResults.pipeInput(result.customerId(), result, recordTime);
        }
    }

    // ---- outputs and stores

    List<KeyValue<String, OrderEvent>> events() {
        return events.readKeyValuesToList();
    }

    List<Alert> alerts() {
        return alerts.readValuesToList();
    }

    AnalyticsSnapshot analytics() {
        return this.<AnalyticsSnapshot>store(StoreNames.ANALYTICS).get(AnalyticsSnapshot.KEY);
    }

    List<EmailRequest> emails() {
        return emails.readValuesToList();
    }

    List<KeyValue<String, EbookRequest>> ebooks() {
        return ebooks.readKeyValuesToList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    OrderState order(final String orderId) {
        return this.<OrderState>store(StoreNames.ORDERS).get(orderId);
    }

    Inventory inventory(final String sku) {
        return this.<Inventory>store(StoreNames.INVENTORY).get(sku);
    }

    List<Inventory> allInventory() {
        return all(StoreNames.INVENTORY);
    }

    List<OrderState> allOrders() {
        return all(StoreNames.ORDERS);
    }

    Product catalogEntry(final String sku) {
        return this.<Product>store(StoreNames.PRODUCT_CATALOG).get(sku);
    }

    private <V> List<V> all(final String store) {
        return this.<V>entries(store).stream().map(entry -> entry.value).toList();
    }

    private <V> List<KeyValue<String, V>> entries(final String store) {
        final List<KeyValue<String, V>> entries = new ArrayList<>();
        try (KeyValueIterator<String, V> all = this.<V>store(store).all()) {
            all.forEachRemaining(entries::add);
        }
        return entries;
    }

    private <V> KeyValueStore<String, V> store(final String name) {
        return driver.getKeyValueStore(name);
    }

    @Override
    public void close() {
        driver.close();
        try {
            Utils.delete(stateDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OrderLine line(final String sku, final int quantity) {
        return new OrderLine(sku, quantity);
    }

    static String text(final byte[] bytes) {
        return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
