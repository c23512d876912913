package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.http.AdminAuth;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.serdes.JsonSerde;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queries of known orders, products and seats, from every instance, all the time the group
 * rebalances: an instance joins, one leaves cleanly, one stops without leaving the group (to the
 * group, as a killed one looks: its tasks stay its own until its session times out). Every answer
 * must be the key's value as it was before, or 503 with {@code Retry-After} and a JSON body; a 404
 * for a key that exists, another status, or other content fails the test.
 *
 * <p>Under the rebalance protocol the app ships with; {@code -Drebalance.protocols=classic,streams}
 * (comma-separated) runs it under those. About two minutes a protocol on two cores.
 */
@Timeout(600)
class RebalanceQueriesTest {

    private static final Logger log = LoggerFactory.getLogger(RebalanceQueriesTest.class);

    private static final int FIRST_INSTANCES = 3;
    private static final int PARTITIONS = 6;
    private static final int ORDERS = 24;
    private static final int PRODUCTS = 6;
    private static final int SEATS = 6;
    private static final int QUERIERS = 3;
    private static final Duration SETTLE = Duration.ofSeconds(120);
    /** Long enough with no state change on any instance that no follow-up rebalance is under way. */
    private static final Duration QUIET = Duration.ofSeconds(4);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Stream<String> protocols() {
        final String shipped = StreamsSettings.of("unused:9092", Path.of("unused"), Map.of())
                .getProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        return Arrays.stream(System.getProperty("rebalance.protocols", shipped).split(","))
                .map(String::trim)
                .filter(protocol -> !protocol.isEmpty());
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @MethodSource("protocols")
    void knownKeysAreAnsweredRightOrUnavailableThroughJoinLeaveAndKill(final String protocol) throws Exception {
        try (InJvmPipeline pipeline = InJvmPipeline.start(
                FIRST_INSTANCES,
                PARTITIONS,
                AdminAuth.open(),
                new PaymentSimulator(),
                i -> Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, protocol))) {
            final List<Integer> live = new CopyOnWriteArrayList<>();
            for (int i = 0; i < FIRST_INSTANCES; i++) {
                live.add(i);
            }
            awaitSettled(pipeline, live, "the first instances");
            final Map<String, JsonNode> expected = placeKnownKeys(pipeline);

            final Tally tally = new Tally();
            final AtomicBoolean querying = new AtomicBoolean(true);
            final ExecutorService queriers = Executors.newFixedThreadPool(QUERIERS);
            final List<Future<?>> running = new ArrayList<>();
            for (int q = 0; q < QUERIERS; q++) {
                running.add(queriers.submit(() -> query(pipeline, live, expected, tally, querying)));
            }
            try {
                tally.phase("steady");
                Thread.sleep(3_000);

                tally.phase("join");
                live.add(pipeline.join());
                awaitSettled(pipeline, live, "after a join");

                tally.phase("leave");
                stop(pipeline, live, 0, true);
                awaitSettled(pipeline, live, "after a clean leave");

                tally.phase("kill");
                final int statesBefore =
                        stateChanges(pipeline, live.stream().filter(i -> i != 1).toList());
                stop(pipeline, live, 1, false);
                awaitRebalanced(pipeline, live, statesBefore);
                awaitSettled(pipeline, live, "after an instance stopped without leaving");

                tally.phase("after");
                Thread.sleep(3_000);
            } finally {
                querying.set(false);
                for (final Future<?> querier : running) {
                    querier.get(60, TimeUnit.SECONDS);
                }
                queriers.shutdownNow();
            }

            log.info("group.protocol={}: {}", protocol, tally);
            assertThat(tally.wrong())
                    .as("wrong answers under %s: %s", protocol, tally)
                    .isEmpty();
            for (final String phase : List.of("join", "leave", "kill")) {
                assertThat(tally.right(phase))
                        .as("right answers while %s under %s: %s", phase, protocol, tally)
                        .isPositive();
            }
        }
    }

    /** Products, seats (half of them reserved) and orders that have ended: what every answer must be. */
    private Map<String, JsonNode> placeKnownKeys(final InJvmPipeline pipeline) throws Exception {
        final Map<String, JsonNode> expected = new LinkedHashMap<>();
        for (int i = 0; i < PRODUCTS; i++) {
            putProduct(
                    pipeline, "rq-lamp-" + i, "{\"name\":\"Lamp\",\"kind\":\"PHYSICAL\",\"price\":10,\"stock\":100}");
        }
        for (int i = 0; i < SEATS; i++) {
            putProduct(pipeline, "rq-seat-" + i, "{\"name\":\"Seat\",\"kind\":\"SEAT\",\"price\":50}");
        }
        for (int i = 0; i < PRODUCTS; i++) {
            final String product = pipeline.url(0) + "/products/rq-lamp-" + i;
            await(product, () -> get(product).statusCode() == 200);
        }
        for (int i = 0; i < SEATS; i += 2) {
            final HttpResponse<String> reserved =
                    send(HttpRequest.newBuilder(URI.create(pipeline.url(i % FIRST_INSTANCES) + "/api/v1/seats/rq-seat-"
                                    + i + "/reservations?user=u" + i))
                            .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
        }
        final List<String> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            final String body = "{\"customerId\":\"rq-c" + i + "\",\"customerName\":\"Ann\","
                    + "\"email\":\"ann@example.com\",\"items\":[{\"sku\":\"rq-lamp-" + (i % PRODUCTS)
                    + "\",\"quantity\":1}],\"payment\":{\"card\":\"" + PaymentSimulator.APPROVED_CARD + "\"}}";
            final HttpResponse<String> accepted =
                    send(HttpRequest.newBuilder(URI.create(pipeline.url(i % FIRST_INSTANCES) + "/orders"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            orders.add(json(accepted.body()).get("orderId").asText());
        }
        for (final String order : orders) {
            await("order " + order + " ended", () -> {
                final HttpResponse<String> view = get(pipeline.url(0) + "/orders/" + order + "?waitMs=5000");
                return view.statusCode() == 200
                        && "COMPLETED".equals(json(view.body()).get("status").asText());
            });
        }
        final List<String> paths = new ArrayList<>();
        orders.forEach(order -> paths.add("/orders/" + order));
        for (int i = 0; i < PRODUCTS; i++) {
            paths.add("/products/rq-lamp-" + i);
        }
        for (int i = 0; i < SEATS; i++) {
            paths.add("/api/v1/seats/rq-seat-" + i);
        }
        // the stock settles once every order's hold has become a sale: the same answers twice over
        await("the known keys' answers settled", () -> {
            final Map<String, JsonNode> first = answers(pipeline, paths);
            Thread.sleep(1_000);
            final Map<String, JsonNode> second = answers(pipeline, paths);
            expected.clear();
            expected.putAll(second);
            return first != null && first.equals(second);
        });
        assertThat(expected.get("/api/v1/seats/rq-seat-0").get("reservedFor").asText())
                .isEqualTo("u0");
        assertThat(expected.get("/products/rq-lamp-0").get("sold").asLong()).isEqualTo(ORDERS / PRODUCTS);
        return expected;
    }

    private Map<String, JsonNode> answers(final InJvmPipeline pipeline, final List<String> paths) throws Exception {
        final Map<String, JsonNode> answers = new LinkedHashMap<>();
        for (final String path : paths) {
            final HttpResponse<String> answer = get(pipeline.url(0) + path);
            if (answer.statusCode() != 200) {
                return null;
            }
            answers.put(path, json(answer.body()));
        }
        return answers;
    }

    /** Asks for every known key over and over, each time of a live instance, until told to stop. */
    private void query(
            final InJvmPipeline pipeline,
            final List<Integer> live,
            final Map<String, JsonNode> expected,
            final Tally tally,
            final AtomicBoolean querying) {
        final List<String> paths = new ArrayList<>(expected.keySet());
        while (querying.get()) {
            Collections.shuffle(paths);
            for (final String path : paths) {
                if (!querying.get()) {
                    return;
                }
                final List<Integer> instances = List.copyOf(live);
                final int instance = instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
                final String phase = tally.phase();
                try {
                    final HttpResponse<String> answer = get(pipeline.url(instance) + path);
                    tally.count(phase, instance, path, answer, expected.get(path));
                } catch (IOException e) {
                    // an instance being stopped refuses; one still live must answer
                    if (live.contains(instance)) {
                        tally.unreachable(phase, instance, path, e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops an instance after taking it out of the ones asked, so that only its stop's effect on the others counts. */
    private static void stop(
            final InJvmPipeline pipeline, final List<Integer> live, final int instance, final boolean leaveGroup)
            throws InterruptedException {
        live.remove(Integer.valueOf(instance));
        final long started = System.nanoTime();
        pipeline.stop(instance, leaveGroup);
        log.info(
                "instance {} stopped in {} ms, leaving the group: {}; states of the others: {}",
                instance,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                leaveGroup,
                live.stream().map(pipeline::states).toList());
    }

    private static int stateChanges(final InJvmPipeline pipeline, final List<Integer> live) {
        int changes = 0;
        for (final int instance : live) {
            changes += pipeline.states(instance).size();
        }
        return changes;
    }

    /** Until the instances left have noticed the stopped one is gone: its session timed out, its tasks moved. */
    private static void awaitRebalanced(final InJvmPipeline pipeline, final List<Integer> live, final int statesBefore)
            throws Exception {
        try {
            await("a rebalance after the stop", () -> stateChanges(pipeline, live) > statesBefore);
        } finally {
            log.info(
                    "states of the others: {}",
                    live.stream().map(pipeline::states).toList());
        }
    }

    /** Until every live instance is RUNNING with nothing changing for a while. */
    private static void awaitSettled(final InJvmPipeline pipeline, final List<Integer> live, final String what)
            throws Exception {
        await(what + ": every instance RUNNING and settled", () -> {
            final int before = stateChanges(pipeline, live);
            Thread.sleep(QUIET.toMillis());
            return stateChanges(pipeline, live) == before
                    && live.stream()
                            .allMatch(
                                    instance -> pipeline.app(instance).streams().state() == State.RUNNING);
        });
    }

    private void putProduct(final InJvmPipeline pipeline, final String sku, final String body) throws Exception {
        final HttpResponse<String> accepted =
                send(HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/products/" + sku))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    }

    private HttpResponse<String> get(final String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final String body) throws IOException {
        return JsonSerde.MAPPER.readTree(body);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(final String what, final Check check) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + SETTLE.toSeconds() + " s: " + what);
            }
            Thread.sleep(200);
        }
    }

    /** The answers counted per phase: right, 503 (with Retry-After and a JSON body), and every other one kept. */
    private static final class Tally {

        private final AtomicReference<String> phase = new AtomicReference<>("setup");
        private final Map<String, LongAdder> right = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> unavailable = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> unreachable = new ConcurrentHashMap<>();
        private final List<String> wrong = new CopyOnWriteArrayList<>();
        private final List<String> phases = new CopyOnWriteArrayList<>();

        void phase(final String next) {
            log.info("{}: {}", next, this);
            phases.add(next);
            phase.set(next);
        }

        String phase() {
            return phase.get();
        }

        void count(
                final String phase,
                final int instance,
                final String path,
                final HttpResponse<String> answer,
                final JsonNode expected)
                throws IOException {
            if (answer.statusCode() == 200 && json(answer.body()).equals(expected)) {
                add(right, phase);
            } else if (answer.statusCode() == 503
                    && answer.headers().firstValue("Retry-After").isPresent()
                    && json(answer.body()).hasNonNull("error")) {
                add(unavailable, phase);
            } else {
                wrong.add(phase + ": instance " + instance + " answered " + path + " with " + answer.statusCode()
                        + " "
                        + answer.headers()
                                .firstValue("X-Answered-By")
                                .map(by -> "(by " + by + ") ")
                                .orElse("")
                        + answer.body());
            }
        }

        void unreachable(final String phase, final int instance, final String path, final IOException e) {
            add(unreachable, phase);
            wrong.add(phase + ": live instance " + instance + " did not answer " + path + ": " + e);
        }

        List<String> wrong() {
            return List.copyOf(wrong);
        }

        long right(final String phase) {
            return sum(right, phase);
        }

        private static void add(final Map<String, LongAdder> counts, final String phase) {
            counts.computeIfAbsent(phase, p -> new LongAdder()).increment();
        }

        @Override
        public String toString() {
            final StringBuilder text = new StringBuilder();
            for (final String phase : phases) {
                text.append(phase)
                        .append(": right ")
                        .append(sum(right, phase))
                        .append(", 503 ")
                        .append(sum(unavailable, phase))
                        .append(", unreachable ")
                        .append(sum(unreachable, phase))
                        .append("; ");
            }
            text.append("wrong ").append(wrong.size());
            wrong.stream().limit(10).forEach(answer -> text.append("\n  ").append(answer));
            return text.toString();
        }

        private static long sum(final Map<String, LongAdder> counts, final String phase) {
            final LongAdder count = counts.get(phase);
            return count == null ? 0 : count.sum();
        }
    }
}
