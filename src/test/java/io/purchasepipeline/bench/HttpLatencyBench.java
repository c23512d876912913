package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.http.AdminAuth;
import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.http.TestTokens;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.serdes.JsonSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Latency of the two HTTP round trips that go through more than one instance: a seat reservation
 * (a command through Kafka to the seat's owner task and its answer back) and a query answered by
 * another instance (forwarded to the key's owner), next to a query the instance answers itself.
 * Three instances on one in-JVM broker; sequential requests, so each figure is one request alone.
 * Run with {@code bench/http-latency}; with {@code BENCH_TOKENS=1} the customer routes need bearer
 * tokens (RS256, minted before the clock starts) and the figures go to {@code http-latency-tokens-latest.json}.
 */
@Tag("bench")
class HttpLatencyBench {

    private static final int WARMUP = 100;
    private static final int SAMPLES = Integer.getInteger("bench.samples", 1000);
    private static final boolean TOKENS = Boolean.getBoolean("bench.tokens");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void measure() throws Exception {
        final TestTokens provider = TOKENS ? TestTokens.generate("bench") : null;
        final HttpAccess access =
                TOKENS ? HttpAccess.admin(AdminAuth.open()).withCustomers(provider.verifier()) : HttpAccess.open();
        try (InJvmPipeline pipeline = InJvmPipeline.start(3, 6, access)) {
            awaitReady(pipeline);
            final List<String> seats = List.of(
                    "concert-A1",
                    "concert-A2",
                    "concert-A3",
                    "concert-A4",
                    "concert-A5",
                    "concert-A6",
                    "concert-A7",
                    "concert-A8",
                    "concert-A9",
                    "concert-A10");
            final Map<String, Integer> owners = new LinkedHashMap<>();
            for (final String seat : seats) {
                owners.put(seat, owner(pipeline, "/api/v1/seats/" + seat));
            }

            final String[] authorization = new String[WARMUP + SAMPLES];
            for (int i = -WARMUP; i < SAMPLES; i++) {
                authorization[i + WARMUP] = TOKENS ? "Bearer " + provider.rs256("u" + i) : null;
            }
            final long[] reserve = new long[SAMPLES];
            for (int i = -WARMUP; i < SAMPLES; i++) {
                final String seat = seats.get(Math.floorMod(i, seats.size()));
                final String url =
                        pipeline.url(Math.floorMod(i, 3)) + "/api/v1/seats/" + seat + "/reservations?user=u" + i;
                final String token = authorization[i + WARMUP];
                final long started = System.nanoTime();
                final int status = send(authorized(HttpRequest.newBuilder(URI.create(url)), token)
                        .POST(HttpRequest.BodyPublishers.noBody()));
                final long took = System.nanoTime() - started;
                assertThat(status).isEqualTo(201);
                assertThat(send(authorized(HttpRequest.newBuilder(URI.create(url)), token)
                                .DELETE()))
                        .isEqualTo(204);
                if (i >= 0) {
                    reserve[i] = took;
                }
            }

            final long[] routed = new long[SAMPLES];
            final long[] local = new long[SAMPLES];
            for (int i = -WARMUP; i < SAMPLES; i++) {
                final String seat = seats.get(Math.floorMod(i, seats.size()));
                final int owner = owners.get(seat);
                final long remote = time(pipeline.url((owner + 1) % 3) + "/api/v1/seats/" + seat);
                final long here = time(pipeline.url(owner) + "/api/v1/seats/" + seat);
                if (i >= 0) {
                    routed[i] = remote;
                    local[i] = here;
                }
            }

            final Map<String, Object> results = new LinkedHashMap<>();
            results.put("date", Instant.now().toString());
            results.put(
                    "machine",
                    Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + ", Java "
                            + System.getProperty("java.version"));
            results.put("samples", SAMPLES);
            results.put("customer_tokens", TOKENS ? "RS256, verified on every seat command" : "off");
            results.put("seat_reservation_ms", summary(reserve));
            results.put("routed_query_ms", summary(routed));
            results.put("local_query_ms", summary(local));
            final Path out = Path.of(
                    "bench", "results", TOKENS ? "http-latency-tokens-latest.json" : "http-latency-latest.json");
            Files.createDirectories(out.getParent());
            JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
            System.out.println("HTTP latency (ms): " + JsonSerde.MAPPER.writeValueAsString(results));
        }
    }

    private static HttpRequest.Builder authorized(final HttpRequest.Builder request, final String authorization) {
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    private long time(final String url) throws Exception {
        final long started = System.nanoTime();
        assertThat(send(HttpRequest.newBuilder(URI.create(url)).GET())).isEqualTo(200);
        return System.nanoTime() - started;
    }

    /** The instance that answers {@code path} itself (no X-Answered-By from another), once the group settled. */
    private int owner(final InJvmPipeline pipeline, final String path) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 3; i++) {
                final HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create(pipeline.url(i) + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200
                        && answer.headers().firstValue("X-Answered-By").isEmpty()) {
                    return i;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no instance owns " + path);
    }

    private void awaitReady(final InJvmPipeline pipeline) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            final boolean running = java.util.stream.IntStream.range(0, 3)
                    .allMatch(i ->
                            pipeline.app(i).streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            if (running
                    && send(HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/api/v1/seats/concert-A10"))
                                    .GET())
                            == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the catalog never reached the stores");
    }

    private int send(final HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static Map<String, Double> summary(final long[] nanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        final Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("p50", percentile(sorted, 0.50));
        summary.put("p95", percentile(sorted, 0.95));
        summary.put("p99", percentile(sorted, 0.99));
        summary.put("max", sorted[sorted.length - 1] / 1e6);
        return summary;
    }

    private static double percentile(final long[] sorted, final double p) {
        final int index = (int) Math.ceil(p * sorted.length) - 1;
        return Math.round(sorted[Math.max(0, index)] / 1e4) / 100.0;
    }
}
