package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.http.AdminAuth;
import io.purchasepipeline.payment.GatewayAnswer;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.topology.PipelineConfig;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order's timers are an index the task makes from its orders' states when it starts, not a
 * store of their own: an order still open when its instance restarts is expired at its hold
 * timeout all the same, once, and not before.
 */
@Timeout(300)
class OrderTimersOnBrokerTest {

    private static final Duration HOLD_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(120);

    /** A gateway that never answers: the order waits for its authorisation until its holds time out. */
    private static final PaymentGateway SILENT = new PaymentGateway() {
        @Override
        public CompletableFuture<GatewayAnswer> authorise(
                final String idempotencyKey, final BigDecimal amount, final String currency, final String card) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<GatewayAnswer> capture(
                final String idempotencyKey,
                final String authorisationId,
                final BigDecimal amount,
                final String currency) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<GatewayAnswer> voidAuthorisation(
                final String idempotencyKey, final String authorisationId) {
            return new CompletableFuture<>();
        }
    };

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anOrderOpenWhenItsInstanceRestartsExpiresAtItsHoldTimeoutOnce() throws Exception {
        try (InJvmPipeline pipeline = InJvmPipeline.start(
                1,
                2,
                AdminAuth.open(),
                SILENT,
                i -> Map.of(
                        PipelineConfig.HOLD_TIMEOUT_MS,
                        Long.toString(HOLD_TIMEOUT.toMillis()),
                        PipelineConfig.ORDER_RETENTION_MS,
                        Long.toString(HOLD_TIMEOUT.multipliedBy(10).toMillis())))) {
            await("the instance RUNNING", () -> pipeline.app(0).streams().state() == KafkaStreams.State.RUNNING);
            final long placed = System.nanoTime();
            final String orderId = place(pipeline);
            await(
                    "order " + orderId + " waiting for its payment",
                    () -> List.of("RESERVING", "AWAITING_PAYMENT").contains(status(pipeline, orderId)));

            pipeline.restart(0, true);
            await(
                    "the restarted instance RUNNING",
                    () -> pipeline.app(0).streams().state() == KafkaStreams.State.RUNNING);
            await("order " + orderId + " expired", () -> "EXPIRED".equals(status(pipeline, orderId)));

            assertThat(Duration.ofNanos(System.nanoTime() - placed)).isGreaterThanOrEqualTo(HOLD_TIMEOUT);
            final List<String> statuses = new ArrayList<>();
            for (final JsonNode event : events(pipeline, orderId)) {
                statuses.add(event.get("status").asText());
            }
            assertThat(statuses).endsWith("EXPIRED").containsOnlyOnce("EXPIRED").contains("RESERVING");
        }
    }

    private String place(final InJvmPipeline pipeline) throws Exception {
        final String body = "{\"customerId\":\"timer-1\",\"customerName\":\"Ann\","
                + "\"email\":\"ann@example.com\",\"items\":[{\"sku\":\"book-kafka\",\"quantity\":1}],"
                + "\"payment\":{\"card\":\"4242424242424242\"}}";
        final HttpResponse<String> accepted = http.send(
                HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return JsonSerde.MAPPER.readTree(accepted.body()).get("orderId").asText();
    }

    private String status(final InJvmPipeline pipeline, final String orderId) throws Exception {
        final HttpResponse<String> view = http.send(
                HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders/" + orderId + "?waitMs=2000"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return view.statusCode() == 200
                ? JsonSerde.MAPPER.readTree(view.body()).get("status").asText()
                : "HTTP " + view.statusCode();
    }

    private JsonNode events(final InJvmPipeline pipeline, final String orderId) throws Exception {
        final HttpResponse<String> trail = http.send(
                HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders/" + orderId + "/events"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
        final JsonNode body = JsonSerde.MAPPER.readTree(trail.body());
        return body.isArray() ? body : body.get("events");
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
}
