package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.RestoreProgress;
import io.purchasepipeline.serdes.JsonSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probes over HTTP, with the streams app's state, its restores and Kafka's availability played
 * by the test. Only the health routes are exercised, so the endpoint gets no order or query services.
 */
class HealthRoutesTest {

    private static final TopicPartition CHANGELOG = new TopicPartition("purchase-pipeline-orders-changelog", 3);
    private static final String ORDER = "{\"customerId\":\"c1\",\"customerName\":\"Ann\",\"email\":\"ann@example.com\","
            + "\"items\":[{\"sku\":\"book\",\"quantity\":1}],\"payment\":{\"card\":\"4242424242424242\"}}";

    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicReference<Optional<String>> kafkaProblem = new AtomicReference<>(Optional.empty());
    private final HttpClient client = HttpClient.newHttpClient();
    private ApiMetrics metrics;
    private RestoreProgress restores;
    private HttpApi http;

    @BeforeEach
    void start() {
        metrics = new ApiMetrics();
        restores = new RestoreProgress(metrics.registry());
        http = new HttpApi(
                        null,
                        null,
                        null,
                        null,
                        null,
                        new Probes(state::get, restores, kafkaProblem::get),
                        metrics,
                        HttpAccess.admin(AdminAuth.of(null)),
                        new OperatorPage(null, null))
                .start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        DescribedAnswers.assertDescribed(metrics.scrape());
        http.close();
    }

    @Test
    void liveWhileTheInstanceCanMakeProgressHealthOnlyWhenRunning() throws Exception {
        final Set<State> live = EnumSet.of(State.CREATED, State.REBALANCING, State.RUNNING);
        for (final State each : State.values()) {
            state.set(each);

            final HttpResponse<String> liveAnswer = get("/health/live");
            assertThat(liveAnswer.statusCode()).as("live in %s", each).isEqualTo(live.contains(each) ? 200 : 503);
            assertThat(json(liveAnswer).get("status").asText()).isEqualTo(each.name());
            assertThat(get("/health").statusCode())
                    .as("health in %s", each)
                    .isEqualTo(each == State.RUNNING ? 200 : 503);
        }
    }

    @Test
    void readyOnlyWhenRunningWithEveryStoreRestored() throws Exception {
        state.set(State.REBALANCING);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);

        state.set(State.RUNNING);
        restores.onRestoreStart(CHANGELOG, "orders", 10, 510);
        restores.onBatchRestored(CHANGELOG, "orders", 110, 100);

        final HttpResponse<String> restoring = get("/health/ready");
        assertThat(restoring.statusCode()).isEqualTo(503);
        final JsonNode body = json(restoring);
        assertThat(body.get("status").asText()).isEqualTo("RUNNING");
        assertThat(body.get("ready").asBoolean()).isFalse();
        assertThat(body.get("restoringRecordsRemaining").asLong()).isEqualTo(400);
        final JsonNode partition = body.get("restoring").get(0);
        assertThat(partition.get("store").asText()).isEqualTo("orders");
        assertThat(partition.get("topic").asText()).isEqualTo(CHANGELOG.topic());
        assertThat(partition.get("partition").asInt()).isEqualTo(3);
        assertThat(partition.get("startOffset").asLong()).isEqualTo(10);
        assertThat(partition.get("endOffset").asLong()).isEqualTo(510);
        assertThat(partition.get("restored").asLong()).isEqualTo(100);
        assertThat(partition.get("remaining").asLong()).isEqualTo(400);
        assertThat(get("/health/live").statusCode()).as("restoring is progress").isEqualTo(200);

        restores.onRestoreEnd(CHANGELOG, "orders", 500);

        final HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).get("ready").asBoolean()).isTrue();
        assertThat(json(ready).get("restoring").size()).isZero();
        assertThat(json(ready).get("restoredPartitions").asLong()).isEqualTo(1);
        assertThat(json(ready).get("kafka").asText()).isEqualTo("available");
    }

    @Test
    void whileKafkaIsDownNotReadyAndWritesAnswered503WithRetryAfterAtOnce() throws Exception {
        state.set(State.RUNNING);
        kafkaProblem.set(Optional.of("the embedded Kafka broker is restarting"));

        final HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).get("kafka").asText()).isEqualTo("the embedded Kafka broker is restarting");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        // the endpoint has no intake: a 503 proves the order was refused before anything was sent
        final HttpResponse<String> order = client.send(
                HttpRequest.newBuilder(uri("/orders"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(ORDER))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(order.statusCode()).isEqualTo(503);
        assertThat(order.headers().firstValue("Retry-After"))
                .contains(Integer.toString(KafkaWrites.KAFKA_RETRY_AFTER_SECONDS));
        assertThat(json(order).get("details").get(0).asText()).isEqualTo("the embedded Kafka broker is restarting");
    }

    @Test
    void restoreProgressIsOnTheMetrics() throws Exception {
        restores.onRestoreStart(CHANGELOG, "orders", 0, 700);
        restores.onBatchRestored(CHANGELOG, "orders", 200, 200);

        final String scrape = get("/metrics").body();

        assertThat(scrape)
                .contains(
                        "pipeline_restore_partitions_active 1.0",
                        "pipeline_restore_records_remaining 500.0",
                        "pipeline_restore_records_remaining_partition{partition=\"3\",store=\"orders\",topic=\""
                                + CHANGELOG.topic() + "\"} 500.0");
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + http.port() + path);
    }

    private static JsonNode json(final HttpResponse<String> response) throws Exception {
        return JsonSerde.MAPPER.readTree(response.body());
    }
}
