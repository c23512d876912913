package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pass-through app on a real broker: every order comes out as one COMPLETED event keyed by its
 * id, through two repartition topics; the census finds exactly those topics read and written by
 * its stream threads, one record each per order.
 */
class PassThroughAppTest {

    private static final int ORDERS = 20;

    @Test
    void everyOrderCrossesBothRepartitionTopicsAndEndsOnce(@TempDir final Path state) throws Exception {
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            final Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic(Topics.ORDERS.name(), 3, (short) 1)))
                        .all()
                        .get();
                PassThroughApp.provision(admin);
                assertThat(admin.describeTopics(List.of(PassThroughApp.ORDERS.name()))
                                .allTopicNames()
                                .get()
                                .get(PassThroughApp.ORDERS.name())
                                .partitions())
                        .hasSize(3);

                try (KafkaStreams streams = new KafkaStreams(
                        PassThroughApp.topology(), PassThroughApp.settings(cluster.bootstrapServers(), state))) {
                    streams.start();
                    awaitRunning(streams);
                    final RecordCensus.Snapshot from = RecordCensus.snapshot(admin);
                    send(client);

                    final Map<String, OrderEvent> ended = readEvents(client);

                    assertThat(ended).hasSize(ORDERS);
                    ended.forEach((key, event) -> {
                        assertThat(event.orderId()).isEqualTo(key);
                        assertThat(event.status()).isEqualTo(OrderStatus.COMPLETED);
                    });
                    final Map<String, RecordCensus.TopicCount> counts =
                            RecordCensus.count(client, from, RecordCensus.snapshot(admin));
                    final RecordCensus.StreamsTopics topics =
                            RecordCensus.streamsTopics(admin, PassThroughApp.APPLICATION_ID);
                    final String bySku = PassThroughApp.APPLICATION_ID + "-by-sku-repartition";
                    final String byCustomer = PassThroughApp.APPLICATION_ID + "-by-customer-repartition";
                    assertThat(topics.read()).isEqualTo(Set.of(PassThroughApp.ORDERS.name(), bySku, byCustomer));
                    assertThat(topics.written()).isEqualTo(Set.of(bySku, byCustomer, PassThroughApp.EVENTS.name()));
                    assertThat(RecordCensus.recordsOf(counts, topics.written()))
                            .isEqualTo(Map.of(
                                    bySku,
                                    (long) ORDERS,
                                    byCustomer,
                                    (long) ORDERS,
                                    PassThroughApp.EVENTS.name(),
                                    (long) ORDERS));
                    assertThat(counts.get(PassThroughApp.EVENTS.name()).markers())
                            .isPositive();
                }
            }
        }
    }

    private static void send(final Properties client) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(
                props,
                PassThroughApp.ORDERS.keySerde().serializer(),
                PassThroughApp.ORDERS.valueSerde().serializer())) {
            for (int i = 0; i < ORDERS; i++) {
                final Order order = new Order(
                        "order-" + i,
                        "customer-" + i % 7,
                        "C",
                        "c@example.com",
                        List.of(new OrderLine("sku-" + i % 5, 1), new OrderLine("sku-x", 2)),
                        new PaymentDetails("4242"));
                producer.send(new ProducerRecord<>(PassThroughApp.ORDERS.name(), order.customerId(), order));
            }
        }
    }

    private static Map<String, OrderEvent> readEvents(final Properties client) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "passthrough-test-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final Map<String, OrderEvent> events = new HashMap<>();
        try (KafkaConsumer<String, OrderEvent> consumer = new KafkaConsumer<>(
                props,
                PassThroughApp.EVENTS.keySerde().deserializer(),
                PassThroughApp.EVENTS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(PassThroughApp.EVENTS.name()));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events.size() < ORDERS && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, OrderEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(events.put(record.key(), record.value()))
                            .as("ended once: " + record.key())
                            .isNull();
                }
            }
        }
        return events;
    }

    private static void awaitRunning(final KafkaStreams streams) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
}
