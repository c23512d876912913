package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.payment.PaymentWorker;
import io.purchasepipeline.runtime.DemoCatalog;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.topology.PipelineConfig;
import io.purchasepipeline.topology.PurchaseTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production topology and settings on a real (in-JVM) Kafka broker, with exactly-once on. */
class PipelineOnBrokerTest {

    private static final Duration DRAIN = Duration.ofSeconds(90);

    private static KafkaClusterTestKit cluster;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final Map<String, OrderStatus> ended = new HashMap<>();
    private static final Map<String, List<OrderEvent>> trails = new HashMap<>();
    private static KafkaConsumer<byte[], byte[]> events;
    private static PaymentWorker payments;

    @TempDir
    Path stateDir;

    private KafkaStreams streams;
    private int sequence;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = InJvmPipeline.startKafka();
        try (Admin admin = Admin.create(clientProps())) {
            new TopicProvisioner(admin, 3, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        }
        final Properties producerProps = clientProps();
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        for (final Product product : DemoCatalog.products()) {
            send(
                    Topics.CATALOG.name(),
                    product.sku(),
                    Topics.CATALOG.valueSerde().serializer().serialize("", product));
        }
        events = consumer(Topics.ORDER_EVENTS.name());
        payments = PaymentWorker.start(
                KafkaClients.of(clientProps()),
                "pipeline-on-broker-payments",
                new PaymentSimulator(),
                PaymentWorker.Settings.DEFAULT);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        payments.close();
        events.close();
        producer.close();
        cluster.close();
    }

    @AfterEach
    void stopStreams() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void everyOrderReachesOneTerminalStateAndBadRecordsAreDeadLettered() throws Exception {
        startStreams();
        // one declined card that certainly gets its hold: placed and ended before the rush for the seats
        final String declined = place("c-declined", PaymentSimulator.DECLINED_CARD, new OrderLine("book-streams", 1));
        awaitEnded(List.of(declined));
        assertThat(ended.get(declined)).isEqualTo(OrderStatus.PAYMENT_DECLINED);

        final List<String> placed = new ArrayList<>();
        final String[] cards = {PaymentSimulator.APPROVED_CARD, PaymentSimulator.DECLINED_CARD, "5555555555554444"};
        for (int i = 0; i < 30; i++) {
            placed.add(place(
                    "c" + (i % 10),
                    cards[i % cards.length],
                    new OrderLine("concert-A" + (1 + i % 4), 1),
                    new OrderLine("book-streams", 1 + i % 3)));
        }
        send(Topics.ORDERS.name(), "c1", "{not json".getBytes(StandardCharsets.UTF_8));
        send(Topics.ORDERS.name(), "c1", """
                {"orderId":"no-items","customerId":"c1","email":"x@example.com","items":[],"payment":{"card":"4242424242424242"}}""".getBytes(StandardCharsets.UTF_8));

        awaitEnded(placed);

        assertThat(placed).allSatisfy(orderId -> {
            final List<OrderEvent> trail = trails.get(orderId);
            assertThat(trail).filteredOn(event -> event.status().terminal()).hasSize(1);
            assertThat(trail.get(trail.size() - 1).status().terminal()).isTrue();
        });
        // four seats, each bought at most once: at most four orders complete
        assertThat(placed.stream().filter(id -> ended.get(id) == OrderStatus.COMPLETED))
                .hasSizeBetween(1, 4);
        // which orders win the seats depends on how the partitions interleave; what each outcome may be does not
        assertThat(placed.stream().map(ended::get)).contains(OrderStatus.REJECTED_OUT_OF_STOCK);
        for (int i = 0; i < placed.size(); i++) {
            if (cards[i % cards.length].equals(PaymentSimulator.DECLINED_CARD)) {
                assertThat(ended.get(placed.get(i)))
                        .as("order %s, paid with the declined card", placed.get(i))
                        .isIn(OrderStatus.PAYMENT_DECLINED, OrderStatus.REJECTED_OUT_OF_STOCK);
            }
        }
        final List<ConsumerRecord<byte[], byte[]>> dead = readAll(Topics.DEAD_LETTERS, 2);
        assertThat(dead)
                .extracting(record -> new String(
                        record.headers().lastHeader("__streams.errors.topic").value(), StandardCharsets.UTF_8))
                .containsOnly(Topics.ORDERS.name());
    }

    @Test
    void ordersWrittenWhileNoInstanceRunsAreProcessedWhenOneComesBack() throws Exception {
        startStreams();
        final String before = place("late-1", PaymentSimulator.APPROVED_CARD, new OrderLine("mug", 1));
        awaitEnded(List.of(before));
        streams.close(Duration.ofSeconds(30));

        final List<String> whileDown = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            whileDown.add(place("late-" + i, PaymentSimulator.APPROVED_CARD, new OrderLine("ebook-exactly-once", 1)));
        }
        startStreams();

        awaitEnded(whileDown);
        assertThat(whileDown)
                .allSatisfy(orderId -> assertThat(ended.get(orderId)).isEqualTo(OrderStatus.COMPLETED));
    }

    private void startStreams() throws Exception {
        final Map<String, String> overrides = Map.of(
                StreamsConfig.REPLICATION_FACTOR_CONFIG,
                "1",
                StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                "0");
        final Properties props =
                StreamsSettings.of(cluster.bootstrapServers(), Files.createDirectories(stateDir), overrides);
        streams = new KafkaStreams(PurchaseTopology.build(PipelineConfig.from(props), props), props);
        streams.start();
    }

    private String place(final String customerId, final String card, final OrderLine... lines) throws Exception {
        final String orderId = "it-" + System.nanoTime() + "-" + ++sequence;
        final Order order = new Order(
                orderId,
                customerId,
                "Customer " + customerId,
                customerId + "@example.com",
                List.of(lines),
                new PaymentDetails(card));
        send(
                Topics.ORDERS.name(),
                customerId,
                Topics.ORDERS.valueSerde().serializer().serialize("", order));
        return orderId;
    }

    private static void send(final String topic, final String key, final byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    private static void awaitEnded(final List<String> orderIds) throws InterruptedException {
        final long deadline = System.nanoTime() + DRAIN.toNanos();
        while (!ended.keySet().containsAll(orderIds) && System.nanoTime() < deadline) {
            for (final ConsumerRecord<byte[], byte[]> record : events.poll(Duration.ofMillis(200))) {
                final OrderEvent event =
                        Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize("", record.value());
                trails.computeIfAbsent(event.orderId(), id -> new ArrayList<>()).add(event);
                if (event.status().terminal()) {
                    ended.put(event.orderId(), event.status());
                }
            }
        }
        assertThat(ended.keySet()).as("orders with a terminal state").containsAll(orderIds);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(final String topic, final int atLeast) {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final String topic) {
        final Properties props = clientProps();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic + "-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static Properties clientProps() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return props;
    }
}
