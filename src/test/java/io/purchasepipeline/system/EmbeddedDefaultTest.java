package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.cli.CliUnderTest;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.tools.kafka.BrokerNode;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run} with no Kafka given, as processes, the way a new user runs it: its broker is its own
 * and never someone else's, it is restarted when it dies, it dies with {@code run}, and a broker
 * left behind on the data is replaced. One {@code run} and its data go through the tests in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class EmbeddedDefaultTest {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDefaultTest.class);
    private static final Duration START = Duration.ofMinutes(3);
    private static final Set<String> TERMINAL =
            Set.of("COMPLETED", "REJECTED_FRAUD", "REJECTED_OUT_OF_STOCK", "PAYMENT_DECLINED", "EXPIRED");

    @TempDir
    static Path tmp;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> ACCEPTED = new CopyOnWriteArrayList<>();
    private static int brokerPort;
    private static AppInstance run;

    @BeforeAll
    static void ports() throws Exception {
        brokerPort = LoopbackPorts.free(1).get(0);
    }

    /** A clean stop, and its broker gone before the temporary directory is deleted. */
    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.stop();
        }
        final Path pidFile = tmp.resolve("run/kafka/broker.pid");
        if (Files.exists(pidFile)) {
            final var broker =
                    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
            if (broker.isPresent()) {
                broker.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void aForeignKafkaOnTheBrokerPortIsLeftAloneAndTheRunRefusedInOneLine() throws Exception {
        try (KafkaClusterTestKit foreign = InJvmPipeline.startKafka();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, foreign.bootstrapServers()))) {
            final int port = Integer.parseInt(foreign.bootstrapServers().replaceAll(".*:", ""));
            final Set<String> topicsBefore = admin.listTopics().names().get();

            final CliUnderTest cli = new CliUnderTest();
            final int exit = cli.execute(
                    "run",
                    "--data-dir",
                    tmp.resolve("foreign").toString(),
                    "--broker-port",
                    Integer.toString(port),
                    "--http-port",
                    Integer.toString(LoopbackPorts.free(1).get(0)));

            assertThat(exit).isEqualTo(1);
            assertThat(cli.err())
                    .startsWith("purchase-pipeline: Port " + port + " on 127.0.0.1 is taken")
                    .hasLineCount(1);
            assertThat(admin.listTopics().names().get()).isEqualTo(topicsBefore);
        }
    }

    @Test
    @Order(2)
    void aBrokerKilledUnderLoadIsRestartedByRunAndEveryOrderEndsOnce() throws Exception {
        run = new AppInstance(
                "embedded", tmp.resolve("run"), null, List.of("--broker-port", Integer.toString(brokerPort)));
        run.start();
        run.awaitRunning(START);
        awaitStatus("/health/ready", 200, START);

        // a second run on another data dir, as from a second terminal, is refused in one line
        final CliUnderTest second = new CliUnderTest();
        assertThat(second.execute(
                        "run",
                        "--data-dir",
                        tmp.resolve("second").toString(),
                        "--broker-port",
                        Integer.toString(brokerPort),
                        "--http-port",
                        Integer.toString(LoopbackPorts.free(1).get(0))))
                .isEqualTo(1);
        assertThat(second.err())
                .contains("Port " + brokerPort + " on 127.0.0.1 is taken")
                .hasLineCount(1);

        final AtomicBoolean loading = new AtomicBoolean(true);
        final List<Refusal> refusals = new CopyOnWriteArrayList<>();
        final Thread load = new Thread(() -> placeOrders(loading, refusals), "orders");
        load.start();
        try {
            awaitAccepted(20);
            final long brokerPid = Long.parseLong(
                    Files.readString(tmp.resolve("run/kafka/broker.pid")).trim());
            final int acceptedAtKill = ACCEPTED.size();
            final long killedAt = System.nanoTime();
            ProcessHandle.of(brokerPid).orElseThrow().destroyForcibly();

            awaitStatus("/health/ready", 503, Duration.ofSeconds(10));
            final long knownDownAt = System.nanoTime();
            final long notReadyMs = (knownDownAt - killedAt) / 1_000_000;
            awaitAccepted(acceptedAtKill + 20);
            final long flowingAgainMs = (System.nanoTime() - killedAt) / 1_000_000;
            LOG.info(
                    "Broker killed: /health/ready 503 after {} ms; orders accepted again after {} ms",
                    notReadyMs,
                    flowingAgainMs);
            System.out.printf(
                    "embedded broker kill -9: ready 503 after %d ms, orders flowing again after %d ms%n",
                    notReadyMs, flowingAgainMs);
            assertThat(refusals)
                    .as("orders refused while the broker was down")
                    .isNotEmpty()
                    .allSatisfy(refusal -> assertThat(refusal.answer()).startsWith("503 retry-after="))
                    // one sent before the death was known waits for its acknowledgement within the intake's bound
                    .allSatisfy(refusal -> assertThat(refusal.tookMs()).isLessThan(15_000));
            assertThat(refusals.stream().filter(refusal -> refusal.sentAt() > knownDownAt))
                    .as("refusals of orders sent once the broker was known down")
                    .isNotEmpty()
                    .allSatisfy(refusal -> {
                        assertThat(refusal.tookMs()).as("answered at once").isLessThan(2_000);
                        assertThat(refusal.answer()).isEqualTo("503 retry-after=5");
                    });
        } finally {
            loading.set(false);
            load.join();
        }
        awaitStatus("/health/ready", 200, START);

        try (OrderEventLog events = new OrderEventLog("127.0.0.1:" + brokerPort)) {
            assertThat(events.awaitTerminal(ACCEPTED, Duration.ofMinutes(3)))
                    .as("orders with no end")
                    .isEmpty();
            final Map<String, Long> ends = events.seen().stream()
                    .filter(seen -> seen.event().status().terminal())
                    .collect(Collectors.groupingBy(seen -> seen.event().orderId(), Collectors.counting()));
            assertThat(ends.keySet()).containsAll(ACCEPTED);
            assertThat(ends.values()).as("terminal events per order").containsOnly(1L);
        }
        final String output = run.output();
        assertThat(occurrences(output, "The embedded Kafka broker died")).isEqualTo(1);
        assertThat(occurrences(output, "The embedded Kafka broker is back")).isEqualTo(1);
        assertThat(occurrences(output, "could not be established"))
                .as("client connection warnings")
                .isLessThanOrEqualTo(10);
    }

    @Test
    @Order(3)
    void runKilledWithMinus9TakesItsBrokerAlongAndARestartOnTheSameDataResumes() throws Exception {
        final long brokerPid = Long.parseLong(
                Files.readString(tmp.resolve("run/kafka/broker.pid")).trim());
        run.kill();

        final ProcessHandle broker = ProcessHandle.of(brokerPid).orElse(null);
        if (broker != null) {
            broker.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(brokerPid).filter(ProcessHandle::isAlive))
                .as("no orphan broker")
                .isEmpty();

        run.start();
        run.awaitRunning(START);
        awaitStatus("/health/ready", 200, START);
        for (final String order : List.of(ACCEPTED.get(0), ACCEPTED.get(ACCEPTED.size() - 1))) {
            assertThat(TERMINAL).contains(status(order));
        }
    }

    @Test
    @Order(4)
    void aBrokerLeftOnTheDataByARunThatDiedIsReplaced() throws Exception {
        run.stop();
        final BrokerNode leftBehind =
                BrokerNode.standalone(tmp.resolve("run/kafka")).port(brokerPort).build();
        try {
            leftBehind.start();
            leftBehind.awaitReady(START);
            final long orphanPid = leftBehind.pid().orElseThrow();
            // its owner: a process that has ended, as a run killed with -9 before its broker noticed
            final Process owner = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            owner.waitFor();
            Files.writeString(tmp.resolve("run/kafka/broker.pid.owner"), owner.pid() + "\n");

            run.start();
            run.awaitRunning(START);

            assertThat(ProcessHandle.of(orphanPid).filter(ProcessHandle::isAlive))
                    .as("the broker left behind")
                    .isEmpty();
            assertThat(run.output()).contains("was left running on");
            assertThat(status(ACCEPTED.get(0))).isIn(TERMINAL);
        } finally {
            leftBehind.kill();
        }
    }

    /** An order answered with something else than 202: when it was sent, how long the answer took, what it was. */
    private record Refusal(long sentAt, long tookMs, String answer) {}

    private static void placeOrders(final AtomicBoolean loading, final List<Refusal> refusals) {
        for (int i = 0; loading.get(); i++) {
            final String body =
                    "{\"customerId\":\"embedded-" + i + "\",\"customerName\":\"Ann\",\"email\":\"ann@example.com\","
                            + "\"items\":[{\"sku\":\"book-kafka\",\"quantity\":1}],\"payment\":{\"card\":\"4242424242424242\"}}";
            // the same key on every retry: one order however many times it is sent
            final String key = "embedded-order-" + i;
            while (loading.get()) {
                try {
                    final long sent = System.nanoTime();
                    final HttpResponse<String> answer = HTTP.send(
                            HttpRequest.newBuilder(uri("/orders"))
                                    .header("Content-Type", "application/json")
                                    .header("Idempotency-Key", key)
                                    .timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 202) {
                        ACCEPTED.add(JsonSerde.MAPPER
                                .readTree(answer.body())
                                .get("orderId")
                                .asText());
                        break;
                    }
                    refusals.add(new Refusal(
                            sent,
                            (System.nanoTime() - sent) / 1_000_000,
                            answer.statusCode() + " retry-after="
                                    + answer.headers().firstValue("Retry-After").orElse("")));
                    Thread.sleep(500);
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        return;
                    }
                    refusals.add(new Refusal(System.nanoTime(), 0, "failed: " + e));
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void awaitAccepted(final int count) throws InterruptedException {
        final long deadline = System.nanoTime() + START.toNanos();
        while (ACCEPTED.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + ACCEPTED.size() + " orders accepted, waited for " + count);
            }
            Thread.sleep(100);
        }
    }

    private static String status(final String orderId) throws Exception {
        final HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(uri("/orders/" + orderId + "?waitMs=20000"))
                        .timeout(Duration.ofSeconds(40))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        final JsonNode view = JsonSerde.MAPPER.readTree(answer.body());
        return view.get("status").asText();
    }

    private static void awaitStatus(final String path, final int status, final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                final HttpResponse<String> answer = HTTP.send(
                        HttpRequest.newBuilder(uri(path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == status) {
                    return;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " not " + status + " within " + timeout.toSeconds() + " s; last: " + last);
    }

    private static URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + run.httpPort() + path);
    }

    private static int occurrences(final String text, final String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            count++;
        }
        return count;
    }
}
