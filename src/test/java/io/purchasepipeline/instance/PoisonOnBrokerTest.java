package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.http.AdminAuth;
import io.purchasepipeline.mail.InvalidEmailException;
import io.purchasepipeline.payment.Cards;
import io.purchasepipeline.payment.GatewayAnswer;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.InvalidCommandException;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Poison on every input of one running instance (production wiring, exactly-once, a real broker in
 * this JVM): each bad record reaches {@code dead-letters} once, with its reason and origin, and the
 * pipeline goes on; a payment gateway client that throws is answered like a gateway that did not
 * answer, and the order it hit still ends once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonOnBrokerTest {

    /** Luhn-valid, approved by the simulator; its first charge crashes the gateway client. */
    private static final String CRASH_CARD = "5555555555554444";

    private static final Duration SETTLE = Duration.ofSeconds(120);

    private static final CrashOnceGateway gateway = new CrashOnceGateway();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static InJvmPipeline pipeline;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        pipeline = InJvmPipeline.start(1, 3, AdminAuth.open(), gateway);
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        await("the demo catalog served", () -> get("/products/mug").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        producer.close();
        pipeline.close();
    }

    @Test
    @Order(1)
    void poisonOnEveryInputGoesToDeadLettersOnceAndThePipelineGoesOn() throws Exception {
        final Map<RecordMetadata, String> poison = new HashMap<>();
        poison.put(send(Topics.ORDERS.name(), "poisoner", "{not json"), SerializationException.class.getName());
        poison.put(
                send(
                        Topics.ORDERS.name(),
                        "poisoner",
                        "{\"orderId\":\"no-items\",\"customerId\":\"poisoner\","
                                + "\"email\":\"p@example.com\",\"items\":[],\"payment\":{\"card\":\"424242******4242\"}}"),
                InvalidCommandException.class.getName());
        poison.put(send(Topics.CUSTOMER_FLAGS.name(), "poisoner", null), InvalidCommandException.class.getName());
        poison.put(
                send(
                        Topics.CATALOG.name(),
                        "bad-lamp",
                        "{\"sku\":\"bad-lamp\",\"name\":\"Bad\",\"kind\":\"PHYSICAL\"," + "\"price\":-1,\"stock\":1}"),
                InvalidCommandException.class.getName());
        poison.put(send(Topics.SEAT_RESERVATIONS.name(), "concert-A1", "[]"), SerializationException.class.getName());
        poison.put(
                send(
                        Topics.SEAT_RESERVATIONS.name(),
                        "concert-A1",
                        "{\"requestId\":\"r-1\",\"seatId\":\"concert-A1\"," + "\"action\":\"RESERVE\"}"),
                InvalidCommandException.class.getName());
        poison.put(
                send(Topics.RESERVATION_COMMANDS.name(), "mug", "{\"orderId\":\"o-x\",\"sku\":\"mug\",\"quantity\":1}"),
                InvalidCommandException.class.getName());
        poison.put(send(Topics.EMAILS.name(), "poison-email", "{not json"), SerializationException.class.getName());
        poison.put(
                send(Topics.EMAILS.name(), "poison-email", "{\"emailId\":\"poison/x\"}"),
                InvalidEmailException.class.getName());

        final String orderId = place("poisoner", PaymentSimulator.APPROVED_CARD);

        assertThat(awaitEnd(orderId)).isEqualTo("COMPLETED");
        await("the order's emails in the outbox", () -> emailsOf(orderId) >= 2);
        final Map<String, ConsumerRecord<byte[], byte[]>> letters = awaitDeadLetters(poison.keySet());
        for (final Map.Entry<RecordMetadata, String> bad : poison.entrySet()) {
            final ConsumerRecord<byte[], byte[]> letter = letters.get(origin(bad.getKey()));
            assertThat(header(letter, "__streams.errors.exception"))
                    .as("the letter of %s", bad.getKey())
                    .isEqualTo(bad.getValue());
            assertThat(header(letter, "__streams.errors.message"))
                    .as("the reason of %s", bad.getKey())
                    .isNotBlank();
        }
        assertThat(pipeline.app(0).streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @Test
    @Order(2)
    void aGatewayClientThatThrowsIsAnsweredUnavailableAndTheOrderStillEndsOnce() throws Exception {
        final String orderId = place("unlucky", CRASH_CARD);

        assertThat(awaitEnd(orderId)).isEqualTo("COMPLETED");
        assertThat(gateway.crashes.get()).as("the gateway client crashed once").isEqualTo(1);
        // the capture is asked once the order completed
        await("the order's capture", () -> gateway.simulator.captures(orderId) > 0);
        assertThat(gateway.simulator.captures(orderId)).as("charged once").isEqualTo(1);
        final JsonNode events =
                JsonSerde.MAPPER.readTree(get("/orders/" + orderId + "/events").body());
        // the crash was answered UNAVAILABLE: the order waited, asked again and completed
        assertThat(events.findValuesAsText("status")).containsExactly("RESERVING", "AWAITING_PAYMENT", "COMPLETED");
        // the worker goes on with the next order
        assertThat(awaitEnd(place("lucky", PaymentSimulator.APPROVED_CARD))).isEqualTo("COMPLETED");
        assertThat(pipeline.app(0).streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    /** The simulator, except that the first charge of {@link #CRASH_CARD} throws an Error, as a broken client library might. */
    private static final class CrashOnceGateway implements PaymentGateway {

        final PaymentSimulator simulator = new PaymentSimulator();
        final AtomicInteger crashes = new AtomicInteger();

        @Override
        public CompletableFuture<GatewayAnswer> authorise(
                final String idempotencyKey, final BigDecimal amount, final String currency, final String card) {
            if (Cards.mask(CRASH_CARD).equals(card) && crashes.compareAndSet(0, 1)) {
                throw new LinkageError("the payment client is broken (simulated)");
            }
            return simulator.authorise(idempotencyKey, amount, currency, card);
        }

        @Override
        public CompletableFuture<GatewayAnswer> capture(
                final String idempotencyKey,
                final String authorisationId,
                final BigDecimal amount,
                final String currency) {
            return simulator.capture(idempotencyKey, authorisationId, amount, currency);
        }

        @Override
        public CompletableFuture<GatewayAnswer> voidAuthorisation(
                final String idempotencyKey, final String authorisationId) {
            return simulator.voidAuthorisation(idempotencyKey, authorisationId);
        }
    }

    // ---- helpers

    private static RecordMetadata send(final String topic, final String key, final String value) throws Exception {
        return producer.send(new ProducerRecord<>(
                        topic,
                        key.getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    private static String place(final String customer, final String card) throws Exception {
        final HttpResponse<String> placed = http.send(
                HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders"))
                        .POST(HttpRequest.BodyPublishers.ofString("""
                        {"customerId":"%s","customerName":"Customer %s","email":"%s@example.com",
                         "items":[{"sku":"mug","quantity":1}],"payment":{"card":"%s"}}""".formatted(customer, customer, customer, card)))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        return JsonSerde.MAPPER.readTree(placed.body()).get("orderId").asText();
    }

    private static String awaitEnd(final String orderId) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            final HttpResponse<String> order = get("/orders/" + orderId + "?waitMs=10000");
            if (order.statusCode() == 200) {
                status = JsonSerde.MAPPER.readTree(order.body()).get("status").asText();
                if (Set.of("COMPLETED", "REJECTED_FRAUD", "REJECTED_OUT_OF_STOCK", "PAYMENT_DECLINED", "EXPIRED")
                        .contains(status)) {
                    return status;
                }
            } else {
                Thread.sleep(200);
            }
        }
        return status;
    }

    private static HttpResponse<String> get(final String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(pipeline.url(0) + path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long emailsOf(final String orderId) {
        try (Stream<java.nio.file.Path> files = Files.list(pipeline.outbox())) {
            return files.filter(file -> file.getFileName().toString().startsWith(orderId))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String origin(final RecordMetadata record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    /** The committed dead letters of these records, by their origin, once each has one; fails on a second letter. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> awaitDeadLetters(final Set<RecordMetadata> records)
            throws InterruptedException {
        final Set<String> wanted =
                records.stream().map(PoisonOnBrokerTest::origin).collect(Collectors.toSet());
        final Map<String, ConsumerRecord<byte[], byte[]>> letters = new HashMap<>();
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.DEAD_LETTERS)
                    .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + SETTLE.toNanos();
            while (!letters.keySet().containsAll(wanted) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> letter : consumer.poll(Duration.ofMillis(200))) {
                    final String origin = header(letter, "__streams.errors.topic") + "/"
                            + header(letter, "__streams.errors.partition") + "/"
                            + header(letter, "__streams.errors.offset");
                    if (wanted.contains(origin)) {
                        assertThat(letters.put(origin, letter))
                                .as("a second dead letter of %s", origin)
                                .isNull();
                    }
                }
            }
            // anything written twice would follow soon after the first
            Thread.sleep(1000);
            for (final ConsumerRecord<byte[], byte[]> letter : consumer.poll(Duration.ofMillis(500))) {
                final String origin =
                        header(letter, "__streams.errors.topic") + "/" + header(letter, "__streams.errors.partition")
                                + "/" + header(letter, "__streams.errors.offset");
                assertThat(wanted).as("a second dead letter of %s", origin).doesNotContain(origin);
            }
        }
        assertThat(letters.keySet()).as("dead letters").containsExactlyInAnyOrderElementsOf(wanted);
        return letters;
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String key) {
        final Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
