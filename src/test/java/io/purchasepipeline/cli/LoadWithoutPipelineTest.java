package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.load.LoadSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load} on a Kafka with the pipeline's topics but no pipeline: what it says when nothing
 * applies its catalog or ends its orders, and, with this test playing a broken pipeline, when an
 * order ends twice.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadWithoutPipelineTest {

    private static KafkaClusterTestKit kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmPipeline.startKafka();
        try (Admin admin =
                Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, 3, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void saysSoWhenNoPipelineAppliesTheCatalog() {
        final CliUnderTest cli = new CliUnderTest();

        final int exit = cli.execute(
                "load",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--skus",
                "20",
                "--timeout",
                "2s",
                "--no-progress");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err())
                .contains("The pipeline did not apply the load catalog within 2 s (0 of 20 products on products)");
    }

    @Test
    void ordersThatDoNotEndFailTheRunAndAFullWindowStopsTheSender() throws Exception {
        final CliUnderTest cli = new CliUnderTest();
        final Path out = dir.resolve("stalled.json");

        final int exit = cli.execute(
                "load",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--no-setup",
                "--orders",
                "20",
                "--max-in-flight",
                "5",
                "--timeout",
                "2s",
                "--no-progress",
                "--out",
                out.toString());

        assertThat(exit).isEqualTo(LoadSummary.VIOLATED);
        final JsonNode summary = JsonSerde.MAPPER.readTree(out.toFile());
        assertThat(summary.path("ok").asBoolean()).isFalse();
        assertThat(summary.path("stopped").asText()).isEqualTo("STALLED");
        assertThat(summary.path("ordersSent").asLong()).isEqualTo(5);
        assertThat(summary.path("ended").asLong()).isZero();
        assertThat(summary.path("notEnded").asLong()).isEqualTo(5);
        assertThat(summary.path("notEndedSample")).hasSize(5);
        // orders in flight are the pipeline's business, not a broken invariant
        assertThat(summary.path("invariants").path("ok").asBoolean()).isTrue();
        assertThat(cli.out())
                .contains("Stopped    early: the window of orders in flight stayed full")
                .contains("Not ended  5 within the timeout");
    }

    @Test
    void anOrderThatEndsTwiceFailsTheRun() throws Exception {
        final BrokenPipeline brokenPipeline = new BrokenPipeline();
        final CliUnderTest cli = new CliUnderTest();
        final Path out = dir.resolve("twice.json");

        final int exit;
        try (brokenPipeline) {
            exit = cli.execute(
                    "load",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--no-setup",
                    "--orders",
                    "10",
                    "--rate",
                    "20",
                    "--timeout",
                    "10s",
                    "--no-progress",
                    "--out",
                    out.toString());
        }

        assertThat(exit).as(cli.out() + cli.err()).isEqualTo(LoadSummary.VIOLATED);
        final JsonNode summary = JsonSerde.MAPPER.readTree(out.toFile());
        assertThat(summary.path("ended").asLong()).isEqualTo(10);
        assertThat(summary.path("notEnded").asLong()).isZero();
        assertThat(summary.path("terminalStates").path("COMPLETED").asLong()).isEqualTo(10);
        assertThat(summary.path("duplicates").asLong()).isEqualTo(1);
        assertThat(summary.path("latencyMs").path("count").asLong()).isEqualTo(10);
        final JsonNode invariants = summary.path("invariants");
        assertThat(invariants.path("ok").asBoolean()).isFalse();
        assertThat(invariants.path("checks"))
                .filteredOn(check -> check.path("name").asText().equals("terminal-state"))
                .singleElement()
                .satisfies(check -> assertThat(check.path("violations").asInt()).isEqualTo(1));
        assertThat(cli.out()).contains("Twice      1 ended again").contains("Invariants BROKEN: terminal-state 1");
    }

    /** Plays a broken pipeline: every order placed from its start on is COMPLETED, the first one twice. */
    private static final class BrokenPipeline implements AutoCloseable {

        private final KafkaConsumer<String, Order> orders = new KafkaConsumer<>(
                Map.of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                Topics.ORDERS.keySerde().deserializer(),
                Topics.ORDERS.valueSerde().deserializer());
        private final KafkaProducer<String, OrderEvent> events = new KafkaProducer<>(
                Map.of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        0),
                Topics.ORDER_EVENTS.keySerde().serializer(),
                Topics.ORDER_EVENTS.valueSerde().serializer());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        BrokenPipeline() {
            final List<TopicPartition> partitions = orders.partitionsFor(Topics.ORDERS.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            orders.assign(partitions);
            orders.seekToEnd(partitions);
            // positioned before the first order is sent, so that none is missed
            partitions.forEach(orders::position);
            thread = new Thread(this::endOrders, "broken-pipeline");
            thread.start();
        }

        private void endOrders() {
            boolean first = true;
            while (running.get()) {
                for (final ConsumerRecord<String, Order> record : orders.poll(Duration.ofMillis(100))) {
                    final String orderId = record.value().orderId();
                    end(orderId, 1);
                    if (first) {
                        end(orderId, 2);
                        first = false;
                    }
                }
            }
        }

        private void end(final String orderId, final int seq) {
            events.send(new ProducerRecord<>(
                    Topics.ORDER_EVENTS.name(),
                    orderId,
                    new OrderEvent(orderId, seq, OrderStatus.COMPLETED, "paid", System.currentTimeMillis(), null)));
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
            orders.close();
            events.close();
        }
    }
}
