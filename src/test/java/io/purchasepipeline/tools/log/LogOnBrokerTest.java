package io.purchasepipeline.tools.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.cli.CliUnderTest;
import io.purchasepipeline.cli.LogCommand;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code log} against a running pipeline on a real broker: orders placed over HTTP, then the log
 * read back as a user would run it.
 */
class LogOnBrokerTest {

    /** {@code time topic[partition]@offset key=... cid=... summary} */
    private static final Pattern LINE = Pattern.compile(
            "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z)  ([\\w.-]+)\\[(\\d+)]@(\\d+)  key=(\\S+)  cid=(\\S+)  (.*)");

    private static final Pattern EVENT = Pattern.compile("order \\S+ #(\\d+) (\\w+).*");
    private static final Duration ENDED_WITHIN = Duration.ofSeconds(90);

    private static InJvmPipeline pipeline;
    private static String first;
    private static String second;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void placeTwoOrdersOfOneCustomer() throws Exception {
        pipeline = InJvmPipeline.start(1, 3);
        final LogOnBrokerTest placing = new LogOnBrokerTest();
        first = placing.place("alice", "cid-log-first");
        second = placing.place("alice", "cid-log-second");
        assertThat(placing.awaitEnd(first)).isEqualTo("COMPLETED");
        assertThat(placing.awaitEnd(second)).isEqualTo("COMPLETED");
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    void oneOrderAcrossEveryTopicItTouchedInTimeOrderAndNothingOfAnother() {
        final CliUnderTest cli = new CliUnderTest();

        final int exit = cli.execute(
                "log", "--bootstrap-servers", pipeline.bootstrapServers(), "--order", first, "--from-beginning");

        assertThat(exit).as(cli.err()).isZero();
        final List<Matcher> lines = lines(cli.out());
        assertThat(lines)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.group(0)).contains(first).doesNotContain(second));
        final Set<String> topics =
                new TreeSet<>(lines.stream().map(line -> line.group(2)).toList());
        assertThat(topics)
                .contains(
                        Topics.ORDERS.name(),
                        Topics.ORDER_EVENTS.name(),
                        Topics.RESERVATION_COMMANDS.name(),
                        Topics.RESERVATION_RESULTS.name(),
                        Topics.PAYMENT_REQUESTS.name(),
                        Topics.PAYMENT_RESULTS.name(),
                        Topics.EMAILS.name(),
                        "purchase-pipeline-order-status-changelog");
        assertThat(lines)
                .anyMatch(line -> line.group(2).equals(Topics.ORDERS.name())
                        && line.group(7).equals("order " + first + " for alice: 1 x book-kafka")
                        && line.group(6).equals("cid-log-first"));
        // by time, each partition's order kept: a record whose time goes back in its partition (a changelog
        // write for an answer that carries its cause's earlier time) stands at its predecessor's time
        final Map<String, String> partitionTime = new HashMap<>();
        assertThat(lines.stream()
                        .map(line -> partitionTime.merge(
                                line.group(2) + "[" + line.group(3) + "]",
                                line.group(1),
                                (before, time) -> time.compareTo(before) < 0 ? before : time))
                        .toList())
                .as("times of%n%s", cli.out())
                .isSorted();

        final List<Matcher> events = lines.stream()
                .filter(line -> line.group(2).equals(Topics.ORDER_EVENTS.name()))
                .map(line -> EVENT.matcher(line.group(7)))
                .filter(Matcher::matches)
                .toList();
        assertThat(events.stream()
                        .map(event -> Integer.parseInt(event.group(1)))
                        .toList())
                .as("the trail's steps")
                .isSorted()
                .startsWith(1)
                .doesNotHaveDuplicates();
        assertThat(events.get(events.size() - 1).group(2)).isEqualTo("COMPLETED");
        assertThat(lines.get(0).group(2))
                .as("the order itself comes before what the pipeline made of it")
                .isEqualTo(Topics.ORDERS.name());
    }

    @Test
    void oneRequestByItsCorrelationId() {
        final CliUnderTest cli = new CliUnderTest();

        final int exit = cli.execute(
                "log",
                "--bootstrap-servers",
                pipeline.bootstrapServers(),
                "--correlation-id",
                "cid-log-second",
                "--from-beginning");

        assertThat(exit).as(cli.err()).isZero();
        final List<Matcher> lines = lines(cli.out());
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            assertThat(line.group(6)).isEqualTo("cid-log-second");
            assertThat(line.group(0)).doesNotContain(first);
        });
        assertThat(lines)
                .anyMatch(line -> line.group(2).equals(Topics.ORDERS.name())
                        && line.group(7).contains(second))
                .anyMatch(line -> line.group(2).equals(Topics.ORDER_EVENTS.name())
                        && line.group(7).contains(" COMPLETED"));
    }

    @Test
    void aMalformedRecordIsOneSummaryLineNotAFailure() throws Exception {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.ORDERS.name(),
                            null,
                            "mallory".getBytes(StandardCharsets.UTF_8),
                            "{\"orderId\": \"x\", \u0000oops".getBytes(StandardCharsets.UTF_8),
                            CorrelationId.headers("cid-log-malformed")))
                    .get(10, TimeUnit.SECONDS);
        }

        // the pipeline sends the record to dead-letters on its own time: the log is read until it is there
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Matcher> mallory;
        do {
            final CliUnderTest cli = new CliUnderTest();
            assertThat(cli.execute(
                            "log",
                            "--bootstrap-servers",
                            pipeline.bootstrapServers(),
                            "--from-beginning",
                            "--topics",
                            "orders|dead-letters"))
                    .as(cli.err())
                    .isZero();
            mallory = lines(cli.out()).stream()
                    .filter(line -> line.group(5).equals("mallory"))
                    .toList();
        } while (mallory.size() < 2 && System.nanoTime() < deadline);

        assertThat(mallory).extracting(line -> line.group(2)).containsExactlyInAnyOrder("orders", "dead-letters");
        final Matcher garbage = mallory.stream()
                .filter(line -> line.group(2).equals("orders"))
                .findFirst()
                .orElseThrow();
        final Matcher letter = mallory.stream()
                .filter(line -> line.group(2).equals("dead-letters"))
                .findFirst()
                .orElseThrow();
        final String shown = "22 bytes, not JSON: \"{\"orderId\": \"x\", .oops\"";
        assertThat(garbage.group(7)).isEqualTo("unreadable: " + shown);
        assertThat(garbage.group(6)).isEqualTo("cid-log-malformed");
        assertThat(letter.group(7))
                .startsWith("dead letter of orders[" + garbage.group(3) + "]@" + garbage.group(4)
                        + " (org.apache.kafka.common.errors.SerializationException: ")
                .endsWith("): " + shown);
    }

    @Test
    void withoutFromBeginningItFollowsFromNowUntilStopped() throws Exception {
        final CliUnderTest cli = new CliUnderTest();
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
                "log", "--bootstrap-servers", pipeline.bootstrapServers(), "--topics", "orders|order-events"));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cli.err().contains("caught up") && System.nanoTime() < deadline && !exit.isDone()) {
            Thread.sleep(50);
        }
        assertThat(cli.err()).contains("log: caught up on 6 partitions of " + pipeline.bootstrapServers());

        final String third = place("carol", "cid-log-third");
        assertThat(awaitEnd(third)).isEqualTo("COMPLETED");
        while (!cli.out().contains(third + " #")
                || !lines(cli.out()).get(lines(cli.out()).size() - 1).group(7).contains("COMPLETED")) {
            assertThat(System.nanoTime())
                    .as("the log heard the order end")
                    .isLessThan(deadline + TimeUnit.SECONDS.toNanos(60));
            Thread.sleep(50);
        }
        cli.<LogCommand>subcommand("log").stop();

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(lines(cli.out()))
                .as("only what happened after it started")
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.group(0))
                        .contains(third)
                        .doesNotContain(first)
                        .doesNotContain(second));
    }

    @Test
    void topicsThatMatchNothingAreOneClearLineAndAFailure() {
        final CliUnderTest cli = new CliUnderTest();

        final int exit = cli.execute(
                "log",
                "--bootstrap-servers",
                pipeline.bootstrapServers(),
                "--from-beginning",
                "--topics",
                "no-such-topic.*");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err())
                .isEqualTo("purchase-pipeline: No topic matches no-such-topic.* in this Kafka: has the pipeline "
                        + "run here?" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    // ---- helpers

    private static List<Matcher> lines(final String out) {
        return out.lines()
                .map(line -> {
                    final Matcher matcher = LINE.matcher(line);
                    assertThat(matcher.matches()).as("a log line: %s", line).isTrue();
                    return matcher;
                })
                .toList();
    }

    private String place(final String customer, final String correlationId) throws Exception {
        final String body =
                "{\"customerId\":\"" + customer + "\",\"customerName\":\"" + customer + "\",\"email\":\"" + customer
                        + "@example.com\",\"items\":[{\"sku\":\"book-kafka\",\"quantity\":1}],\"payment\":{\"card\":\"4242424242424242\"}}";
        final HttpResponse<String> placed = http.send(
                HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders"))
                        .header("Content-Type", "application/json")
                        .header("X-Correlation-Id", correlationId)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        return JsonSerde.MAPPER.readTree(placed.body()).get("orderId").asText();
    }

    private String awaitEnd(final String orderId) throws Exception {
        final long deadline = System.nanoTime() + ENDED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            final HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders/" + orderId + "?waitMs=5000"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                final JsonNode order = JsonSerde.MAPPER.readTree(answer.body());
                final String status = order.get("status").asText();
                if (!List.of("PENDING", "RESERVING", "AWAITING_PAYMENT").contains(status)) {
                    return status;
                }
            } else {
                Thread.sleep(200);
            }
        }
        return "not ended within " + ENDED_WITHIN;
    }
}
