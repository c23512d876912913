package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.serdes.JsonSerde;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code run} command as a process, on a broker that takes only SASL clients, with every client
 * setting from {@code --kafka-config}, the operator routes behind {@code --admin-token} and mail
 * over SMTP with a login. Orders with real card numbers go through every step (approved, declined,
 * fraud, e-books, a seat); then every record of every topic (keys, values, headers), every email
 * and the whole log are searched for the card numbers and the secrets: none is there.
 */
class SecretsOnBrokerTest {

    private static final String ADMIN_TOKEN = "admin-token-5f0c1e2d9b47";
    private static final String SMTP_USER = "shop";
    private static final String SMTP_PASSWORD = "smtp-password-77aa3c";
    /** In the client settings, unused over SASL_PLAINTEXT: a secret all the same. */
    private static final String SSL_KEY_PASSWORD = "ssl-key-password-31cd90";
    /** Luhn-valid numbers: the simulator's test cards and other networks' test numbers. */
    private static final List<String> CARDS = List.of(
            PaymentSimulator.APPROVED_CARD,
            "5555555555554444",
            PaymentSimulator.DECLINED_CARD,
            PaymentSimulator.INSUFFICIENT_FUNDS_CARD,
            "378282246310005",
            "6011111111111117",
            "4000056655665556");

    private static final String LUHN_INVALID = "4242424242424241";
    private static final Duration SETTLE = Duration.ofSeconds(120);

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(SMTP_USER, SMTP_PASSWORD))
            .withPerMethodLifecycle(false);

    @TempDir
    static Path dir;

    private static KafkaClusterTestKit kafka;
    private static Properties client;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmPipeline.startKafka(SecurityProtocol.SASL_PLAINTEXT);
        client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        client.put("security.protocol", "SASL_PLAINTEXT");
        client.put("sasl.mechanism", "PLAIN");
        client.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + JaasUtils.KAFKA_PLAIN_ADMIN + "\" password=\"" + JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD
                        + "\";");
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void noCardNumberTokenOrPasswordInTopicsEmailsOrLogs() throws Exception {
        final Path kafkaConfig = dir.resolve("kafka.properties");
        try (Writer out = Files.newBufferedWriter(kafkaConfig)) {
            final Properties file = new Properties();
            client.forEach((key, value) -> {
                if (!key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                    file.put(key, value);
                }
            });
            file.put("ssl.key.password", SSL_KEY_PASSWORD);
            file.store(out, "client security");
        }
        final List<String> answers = new ArrayList<>();
        final List<String> orderIds = new ArrayList<>();
        try (AppInstance app = new AppInstance(
                "secrets",
                dir.resolve("data"),
                kafka.bootstrapServers(),
                List.of(
                        "--kafka-config",
                        kafkaConfig.toString(),
                        "--admin-token",
                        ADMIN_TOKEN,
                        "--demo-catalog",
                        "--partitions",
                        "3",
                        "--smtp-host",
                        "127.0.0.1",
                        "--smtp-port",
                        Integer.toString(greenMail.getSmtp().getPort()),
                        "--smtp-user",
                        SMTP_USER,
                        "--smtp-password",
                        SMTP_PASSWORD,
                        "--smtp-tls",
                        "none"))) {
            app.start();
            app.awaitRunning(Duration.ofMinutes(3));
            final String url = "http://127.0.0.1:" + app.httpPort();
            await(
                    "the demo catalog",
                    () -> send(url, "GET", "/products/mug", null, null).statusCode() == 200);

            // the operator: a wrong token is refused, the right one defines an e-book and flags a customer
            final String ebook = "{\"name\":\"Secret Streams\",\"kind\":\"DIGITAL\",\"price\":9.99}";
            answers.add(expect(401, send(url, "PUT", "/products/ebook-secret", ebook, "Bearer wrong-" + ADMIN_TOKEN)));
            answers.add(expect(202, send(url, "PUT", "/products/ebook-secret", ebook, "Bearer " + ADMIN_TOKEN)));
            answers.add(expect(
                    202,
                    send(url, "PUT", "/customers/fred/flag", "{\"reason\":\"chargeback\"}", "Bearer " + ADMIN_TOKEN)));
            await(
                    "the e-book defined",
                    () -> send(url, "GET", "/products/ebook-secret", null, null).statusCode() == 200);
            await(
                    "fred flagged",
                    () -> send(url, "GET", "/customers/fred/flag", null, "Bearer " + ADMIN_TOKEN)
                                    .statusCode()
                            == 200);

            for (int i = 0; i < CARDS.size(); i++) {
                // one number as people type it, in groups
                final String card = i == 0 ? CARDS.get(i).replaceAll("(\\d{4})(?=\\d)", "$1 ") : CARDS.get(i);
                final HttpResponse<String> placed = send(url, "POST", "/orders", order("buyer-" + i, card), null);
                answers.add(expect(202, placed));
                orderIds.add(
                        JsonSerde.MAPPER.readTree(placed.body()).get("orderId").asText());
            }
            final HttpResponse<String> fraud = send(url, "POST", "/orders", order("fred", CARDS.get(1)), null);
            answers.add(expect(202, fraud));
            orderIds.add(JsonSerde.MAPPER.readTree(fraud.body()).get("orderId").asText());
            answers.add(expect(400, send(url, "POST", "/orders", order("buyer-x", LUHN_INVALID), null)));
            answers.add(expect(
                    400,
                    send(
                            url,
                            "POST",
                            "/orders",
                            order("buyer-y", CARDS.get(1)).replace("\"" + CARDS.get(1) + "\"", CARDS.get(1)),
                            null)));
            answers.add(expect(201, send(url, "POST", "/api/v1/seats/concert-A3/reservations?user=buyer-0", "", null)));

            final Map<String, String> ended = new LinkedHashMap<>();
            for (final String orderId : orderIds) {
                ended.put(orderId, awaitEnd(url, orderId));
            }
            assertThat(ended.values())
                    .contains("COMPLETED", "PAYMENT_DECLINED", "REJECTED_FRAUD")
                    .doesNotContainNull();
            // each order's received email and the one that tells how it ended
            await("two emails per order", () -> greenMail.getReceivedMessages().length >= 2 * orderIds.size());
            app.stop();

            final Map<String, String> places = new LinkedHashMap<>();
            places.putAll(topics());
            places.putAll(emails());
            places.put("the log", Files.readString(app.logFile(), StandardCharsets.ISO_8859_1));
            places.put("the HTTP answers", String.join("\n", answers));

            assertThat(places.get("topic orders"))
                    .as("the scan reads the records")
                    .contains(orderIds);
            assertThat(places.get("emails"))
                    .as("e-books were made and attached")
                    .contains("application/pdf");
            final List<String> secrets = new ArrayList<>(CARDS);
            secrets.add(CARDS.get(0).replaceAll("(\\d{4})(?=\\d)", "$1 "));
            secrets.addAll(List.of(
                    LUHN_INVALID, ADMIN_TOKEN, SMTP_PASSWORD, SSL_KEY_PASSWORD, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD));
            final List<String> found = new ArrayList<>();
            places.forEach((place, text) ->
                    secrets.stream().filter(text::contains).forEach(secret -> found.add(secret + " in " + place)));
            assertThat(found).as("secrets found").isEmpty();
        }
    }

    // ---- what to search

    /** Every record of every topic the application uses, as text: keys, values, header keys and values. */
    private static Map<String, String> topics() throws Exception {
        final Set<String> names;
        try (Admin admin = Admin.create(client)) {
            names = admin.listTopics().names().get();
        }
        final Properties props = new Properties();
        props.putAll(client);
        // aborted transactions too: whatever was ever written
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        final Map<String, String> texts = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (final String topic : names) {
                final List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(topic)
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                final ByteArrayOutputStream text = new ByteArrayOutputStream();
                final long deadline = System.nanoTime() + SETTLE.toNanos();
                while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                        && System.nanoTime() < deadline) {
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        write(text, record.key());
                        write(text, record.value());
                        for (final Header header : record.headers()) {
                            write(text, header.key().getBytes(StandardCharsets.UTF_8));
                            write(text, header.value());
                        }
                    }
                }
                texts.put("topic " + topic, text.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return texts;
    }

    private static Map<String, String> emails() throws Exception {
        final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (final MimeMessage message : greenMail.getReceivedMessages()) {
            message.writeTo(raw);
        }
        return Map.of("emails", raw.toString(StandardCharsets.ISO_8859_1));
    }

    private static void write(final ByteArrayOutputStream text, final byte[] bytes) {
        if (bytes != null) {
            text.writeBytes(bytes);
            text.write('\n');
        }
    }

    // ---- HTTP

    private static String order(final String customer, final String card) {
        return """
                {"customerId":"%s","customerName":"Customer %s","email":"%s@example.com",
                 "items":[{"sku":"mug","quantity":1},{"sku":"ebook-secret","quantity":1}],"payment":{"card":"%s"}}""".formatted(customer, customer, customer, card);
    }

    private static HttpResponse<String> send(
            final String url, final String method, final String path, final String body, final String authorization) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(40))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String expect(final int status, final HttpResponse<String> answer) {
        assertThat(answer.statusCode())
                .as("%s %s: %s", answer.request().method(), answer.request().uri(), answer.body())
                .isEqualTo(status);
        return answer.statusCode() + " " + answer.headers().map() + " " + answer.body();
    }

    private static String awaitEnd(final String url, final String orderId) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            final HttpResponse<String> order = send(url, "GET", "/orders/" + orderId + "?waitMs=10000", null, null);
            if (order.statusCode() == 200) {
                final JsonNode view = JsonSerde.MAPPER.readTree(order.body());
                if (Set.of("COMPLETED", "REJECTED_FRAUD", "REJECTED_OUT_OF_STOCK", "PAYMENT_DECLINED", "EXPIRED")
                        .contains(view.get("status").asText())) {
                    return view.get("status").asText();
                }
            } else {
                Thread.sleep(200);
            }
        }
        return null;
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(250);
        }
    }
}
