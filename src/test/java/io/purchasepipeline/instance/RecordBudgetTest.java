package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.bench.RecordCensus;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.RoutableOrderId;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.topology.PipelineConfig;
import io.purchasepipeline.topology.PurchaseTopology;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The records the stream threads write and read per order, counted on a real broker topic by topic
 * (changelogs and internal topics included), held to a budget. Orders of two PHYSICAL lines, all
 * COMPLETED: the common case the pipeline is sized for. Counted are data records as a
 * {@code read_committed} reader sees them, not offsets: every transaction commit also writes a
 * control marker into each partition it touched, which takes an offset but is no record.
 */
class RecordBudgetTest {

    private static final int ORDERS = 600;
    private static final int SKUS = 20;
    /**
     * The budget of a 2-line COMPLETED order at a modest rate. The order path's own records are fixed
     * (checked topic by topic below); the rest is what the stores' caches do not fold together, and
     * the analytics' per-second flushes, which shrink as the rate grows.
     */
    private static final double WRITTEN_BUDGET = 18;

    private static final double READ_BUDGET = 10;
    /** Per order, exactly: what the order's path sends from one task to the next. */
    private static final Map<String, Double> ORDER_PATH = Map.of(
            Topics.ORDER_EVENTS.name(), 2.0, // RESERVING, COMPLETED
            Topics.RESERVATION_COMMANDS.name(), 4.0, // HOLD and CONFIRM per line
            Topics.RESERVATION_RESULTS.name(), 2.0, // one answer per HOLD
            Topics.PAYMENT_REQUESTS.name(), 2.0, // AUTHORISE with the holds, CAPTURE at the end
            Topics.EMAILS.name(), 2.0); // received, completed
    /** Written by clients other than the stream threads: the storefront, the workers, the brokers. */
    private static final Set<String> NOT_STREAM_WRITTEN = Set.of(
            Topics.ORDERS.name(),
            Topics.CATALOG.name(),
            Topics.PAYMENT_RESULTS.name(),
            Topics.EMAIL_OUTCOMES.name(),
            Topics.EMAIL_COUNTS.name(),
            Topics.EBOOKS_GENERATED.name(),
            "__consumer_offsets",
            "__transaction_state");

    private static InJvmPipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = InJvmPipeline.start(1, 6);
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    void aCompletedTwoLineOrderStaysWithinItsRecordBudget() throws Exception {
        try (Admin admin = Admin.create(clientProps());
                KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < SKUS; i++) {
                final Product product = new Product(
                        "budget-" + i, "Budget item " + i, ProductKind.PHYSICAL, new BigDecimal("10.00"), 100_000L);
                producer.send(new ProducerRecord<>(
                                Topics.CATALOG.name(),
                                product.sku(),
                                Topics.CATALOG.valueSerde().serializer().serialize("", product)))
                        .get();
            }
            // one order first, so every task is warm and the catalog has reached every replica
            placeAndAwait(producer, List.of(order(-1)));
            final KafkaConsumer<String, byte[]> outcomes = consumer(Topics.EMAIL_OUTCOMES.name());
            final RecordCensus.Snapshot before = RecordCensus.snapshot(admin);
            final double sentBefore = streamProducerSends();

            placeAndAwait(
                    producer,
                    java.util.stream.IntStream.range(0, ORDERS)
                            .mapToObj(RecordBudgetTest::order)
                            .toList());
            // the mail sender's outcomes (analytics reads them), and the last commits after them
            awaitRecords(outcomes, 2 * ORDERS);
            outcomes.close();
            Thread.sleep(2_000);

            final Map<String, RecordCensus.TopicCount> census =
                    RecordCensus.count(clientProps(), before, RecordCensus.snapshot(admin));
            final Map<String, Long> records = new TreeMap<>();
            final Map<String, Long> offsets = new TreeMap<>();
            census.forEach((topic, count) -> {
                records.put(topic, count.records() + count.unread());
                offsets.put(topic, count.offsets());
            });
            final Set<String> read = sourceTopics();
            final Map<String, Long> written = filter(records, topic -> !NOT_STREAM_WRITTEN.contains(topic));
            final Map<String, Long> readRecords = filter(records, read::contains);
            final double writtenPerOrder = sum(written) / (double) ORDERS;
            final double readPerOrder = sum(readRecords) / (double) ORDERS;
            final double sentPerOrder = (streamProducerSends() - sentBefore) / ORDERS;
            System.out.printf(
                    "records written per order %.2f %s%nrecords read per order %.2f %s%n"
                            + "offsets per order on the written topics %.2f (control markers included)%n"
                            + "stream producers' record-send-total per order %.2f%n",
                    writtenPerOrder,
                    perOrder(written),
                    readPerOrder,
                    perOrder(readRecords),
                    sum(filter(offsets, written::containsKey)) / (double) ORDERS,
                    sentPerOrder);

            ORDER_PATH.forEach((topic, expected) -> assertThat(written.getOrDefault(topic, 0L) / (double) ORDERS)
                    .as("records on %s per order", topic)
                    .isEqualTo(expected));
            // the order's state, at placement and as its answers come in (those of one commit interval folded)
            assertThat(written.get(StreamsSettings.APPLICATION_ID + "-order-status-changelog") / (double) ORDERS)
                    .isBetween(1.0, 4.0);
            // the order's timers and the velocity window are made from its state: no store of their own
            assertThat(written)
                    .doesNotContainKeys(
                            StreamsSettings.APPLICATION_ID + "-order-timers-changelog",
                            StreamsSettings.APPLICATION_ID + "-customer-order-times-changelog");
            // the mail sender's outcomes are counted per transaction for analytics, not read one by one
            assertThat(readRecords).doesNotContainKey(Topics.EMAIL_OUTCOMES.name());
            assertThat(readRecords.getOrDefault(Topics.EMAIL_COUNTS.name(), 0L) / (double) ORDERS)
                    .isLessThan(0.5);
            assertThat(writtenPerOrder)
                    .as("records written per order: %s", perOrder(written))
                    .isLessThanOrEqualTo(WRITTEN_BUDGET);
            assertThat(readPerOrder)
                    .as("records read per order: %s", perOrder(readRecords))
                    .isLessThanOrEqualTo(READ_BUDGET);
            // the app's own metric counts what the stream threads sent; the broker's log holds that plus markers
            assertThat(sentPerOrder).isCloseTo(writtenPerOrder, org.assertj.core.data.Percentage.withPercentage(5));
        }
    }

    private static Order order(final int n) {
        final String customer = "budget-customer-" + (n + 1);
        final int first = Math.floorMod(n * 7, SKUS);
        final int second = (first + 1 + Math.floorMod(n, SKUS - 1)) % SKUS;
        return new Order(
                RoutableOrderId.random(customer),
                customer,
                "Budget " + n,
                customer + "@example.com",
                List.of(new OrderLine("budget-" + first, 1), new OrderLine("budget-" + second, 1)),
                new PaymentDetails(PaymentSimulator.APPROVED_CARD));
    }

    private static void placeAndAwait(final KafkaProducer<String, byte[]> producer, final List<Order> orders)
            throws Exception {
        final Set<String> waiting = orders.stream().map(Order::orderId).collect(Collectors.toCollection(TreeSet::new));
        final Set<String> uncaptured = new TreeSet<>(waiting);
        try (KafkaConsumer<String, byte[]> events = consumer(Topics.ORDER_EVENTS.name());
                KafkaConsumer<String, byte[]> payments = consumer(Topics.PAYMENT_RESULTS.name())) {
            for (final Order order : orders) {
                producer.send(new ProducerRecord<>(
                        Topics.ORDERS.name(),
                        order.customerId(),
                        Topics.ORDERS.valueSerde().serializer().serialize("", order)));
            }
            producer.flush();
            final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while ((!waiting.isEmpty() || !uncaptured.isEmpty()) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(200))) {
                    final OrderEvent event =
                            Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize("", record.value());
                    if (event.status().terminal()) {
                        assertThat(event.status())
                                .as("order %s", event.orderId())
                                .isEqualTo(OrderStatus.COMPLETED);
                        waiting.remove(event.orderId());
                    }
                }
                for (final ConsumerRecord<String, byte[]> record : payments.poll(Duration.ofMillis(200))) {
                    final PaymentResult result =
                            Topics.PAYMENT_RESULTS.valueSerde().deserializer().deserialize("", record.value());
                    if (result.operation() == PaymentOperation.CAPTURE
                            && result.status().approved()) {
                        uncaptured.remove(result.orderId());
                    }
                }
            }
        }
        assertThat(waiting).as("orders not completed").isEmpty();
        assertThat(uncaptured).as("orders not captured").isEmpty();
    }

    /** Until {@code reader} has seen {@code count} more records, for a bounded time. */
    private static void awaitRecords(final KafkaConsumer<String, byte[]> reader, final int count) {
        final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long seen = 0;
        while (seen < count && System.nanoTime() < deadline) {
            seen += reader.poll(Duration.ofMillis(200)).count();
        }
    }

    /** The topics the stream threads read: the topology's sources, its repartition topics among them. */
    private static Set<String> sourceTopics() {
        final Properties props = StreamsSettings.of("unused:9092", java.nio.file.Path.of("unused"), Map.of());
        final Set<String> topics = new TreeSet<>();
        for (final TopologyDescription.Subtopology subtopology : PurchaseTopology.build(
                        PipelineConfig.from(props), props)
                .describe()
                .subtopologies()) {
            subtopology.nodes().forEach(node -> {
                if (node instanceof TopologyDescription.Source source) {
                    source.topicSet()
                            .forEach(topic -> topics.add(
                                    topic.endsWith("-repartition")
                                            ? StreamsSettings.APPLICATION_ID + "-" + topic
                                            : topic));
                }
            });
        }
        return topics;
    }

    /** What the stream threads' producers say they sent ({@code record-send-total}), in all. */
    private static double streamProducerSends() {
        double total = 0;
        for (final Map.Entry<MetricName, ? extends Metric> metric :
                pipeline.app(0).streams().metrics().entrySet()) {
            final MetricName name = metric.getKey();
            if (name.name().equals("record-send-total")
                    && name.group().equals("producer-metrics")
                    && name.tags().getOrDefault("client-id", "").contains("StreamThread")) {
                total += ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }

    private static Map<String, Long> filter(final Map<String, Long> counts, final Predicate<String> keep) {
        final Map<String, Long> kept = new TreeMap<>();
        counts.forEach((topic, count) -> {
            if (keep.test(topic) && count > 0) {
                kept.put(topic, count);
            }
        });
        return kept;
    }

    private static long sum(final Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String perOrder(final Map<String, Long> counts) {
        return counts.entrySet().stream()
                .map(entry -> String.format(
                        "%s=%.2f",
                        entry.getKey().replace(StreamsSettings.APPLICATION_ID + "-", ""),
                        entry.getValue() / (double) ORDERS))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** A reader of every partition of {@code topic} from its end now, so it sees only what comes next. */
    private static KafkaConsumer<String, byte[]> consumer(final String topic) {
        final Properties props = clientProps();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                props, new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static KafkaProducer<String, byte[]> producer() {
        final Properties props = clientProps();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(
                props, new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    private static Properties clientProps() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        return props;
    }
}
