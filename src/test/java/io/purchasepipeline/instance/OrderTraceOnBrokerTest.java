package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.runtime.Tracing;
import io.purchasepipeline.serdes.JsonSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One order through a running instance on a real broker, its spans caught by the SDK's in-memory
 * exporter: the HTTP request, the hops, the payment worker, the e-book worker and the mail sender,
 * all under one trace id, each span a child of the one whose record caused it.
 */
class OrderTraceOnBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("purchase.order.id");
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("purchase.order.status");
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("purchase.email.kind");

    private static final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static InJvmPipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = InJvmPipeline.start(1, 3, Tracing.to(role -> SimpleSpanProcessor.create(exporter)));
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (get("/products/ebook-exactly-once").statusCode() != 200) {
            assertThat(System.nanoTime()).as("the catalog reached the instance").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    void anOrderIsOneTraceFromTheStorefrontsRequestToItsLastEmail() throws Exception {
        final IdGenerator ids = IdGenerator.random();
        final String storefrontTrace = ids.generateTraceId();
        final String storefrontSpan = ids.generateSpanId();

        final String orderId =
                placeAndAwaitCompletion("trace-alice", "00-" + storefrontTrace + "-" + storefrontSpan + "-01");
        final List<SpanData> spans = awaitSpans(
                orderId,
                found -> count(found, "email send") == 2
                        && count(found, "ebook make") == 1
                        && count(found, "payment capture") == 1
                        && count(found, "order payment answered") == 2);

        assertThat(spans)
                .allSatisfy(
                        span -> assertThat(span.getTraceId()).as(span.getName()).isEqualTo(storefrontTrace));
        final SpanData request = only(spans, "POST /orders");
        assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(request.getParentSpanId())
                .as("the storefront's span goes on")
                .isEqualTo(storefrontSpan);
        assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                .isEqualTo(202L);
        final SpanData intake = only(spans, "order intake");
        assertThat(intake.getParentSpanId()).isEqualTo(request.getSpanId());
        // the authorisation goes with the holds, or, when this instance's catalog replica did not have a
        // price yet, with the answer of the SKU that priced the last line
        final SpanData authorise = only(spans, "payment authorise");
        assertThat(spans)
                .filteredOn(span -> span.getSpanId().equals(authorise.getParentSpanId()))
                .singleElement()
                .satisfies(asker -> assertThat(asker.getSpanId().equals(intake.getSpanId())
                                || asker.getName().equals("order line answered"))
                        .as(asker.getName())
                        .isTrue());
        assertThat(spans)
                .filteredOn(span -> span.getName().equals("sku reservation")
                        && "HOLD".equals(span.getAttributes().get(AttributeKey.stringKey("purchase.action"))))
                .hasSize(2)
                .allSatisfy(hold -> assertThat(hold.getParentSpanId()).isEqualTo(intake.getSpanId()));
        assertThat(spans)
                .filteredOn(span -> span.getName().equals("order payment answered"))
                .anySatisfy(answer -> assertThat(answer.getParentSpanId()).isEqualTo(authorise.getSpanId()));

        // the hop that completed the order asked for the e-book, the capture and the completion email
        final SpanData ebook = only(spans, "ebook make");
        final SpanData completing = spans.stream()
                .filter(span -> span.getSpanId().equals(ebook.getParentSpanId()))
                .findFirst()
                .orElseThrow();
        assertThat(completing.getName()).isIn("order line answered", "order payment answered");
        assertThat(completing.getAttributes().get(STATUS)).isEqualTo("COMPLETED");
        assertThat(only(spans, "payment capture").getParentSpanId()).isEqualTo(completing.getSpanId());
        assertThat(spans)
                .filteredOn(span -> span.getName().equals("email send"))
                .extracting(span -> span.getAttributes().get(KIND) + " under " + span.getParentSpanId())
                .containsExactlyInAnyOrder(
                        "ORDER_RECEIVED under " + intake.getSpanId(),
                        "ORDER_COMPLETED under " + completing.getSpanId());

        // each process role names its spans
        assertThat(spans)
                .allSatisfy(span -> assertThat(span.getResource().getAttribute(SERVICE))
                        .as(span.getName())
                        .isEqualTo(
                                switch (span.getName()) {
                                    case "payment authorise", "payment capture" -> "payment-worker";
                                    case "ebook make" -> "ebook-worker";
                                    case "email send" -> "mail-sender";
                                    default -> "purchase-pipeline";
                                }));
    }

    @Test
    void anOrderWithoutATraceparentStartsItsTraceAtTheRequest() throws Exception {
        final String orderId = placeAndAwaitCompletion("trace-bob", null);
        final List<SpanData> spans = awaitSpans(orderId, found -> count(found, "email send") == 2);

        final SpanData request = only(spans, "POST /orders");
        assertThat(request.getParentSpanContext().isValid()).isFalse();
        assertThat(only(spans, "order intake").getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(spans).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(request.getTraceId()));
    }

    private static String placeAndAwaitCompletion(final String customer, final String traceparent) throws Exception {
        final HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"customerId\":\"" + customer + "\",\"customerName\":\"Ada\","
                                + "\"email\":\"" + customer
                                + "@example.com\",\"items\":[{\"sku\":\"book-streams\",\"quantity\":1},"
                                + "{\"sku\":\"ebook-exactly-once\",\"quantity\":1}],\"payment\":{\"card\":\""
                                + PaymentSimulator.APPROVED_CARD + "\"}}"));
        if (traceparent != null) {
            post.header("traceparent", traceparent);
        }
        final HttpResponse<String> placed = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        final String orderId = json(placed).get("orderId").asText();
        assertThat(json(get("/orders/" + orderId + "?waitMs=30000"))
                        .get("status")
                        .asText())
                .isEqualTo("COMPLETED");
        return orderId;
    }

    /** The spans of the order (the request's among them), once {@code complete} holds of them. */
    private static List<SpanData> awaitSpans(final String orderId, final Predicate<List<SpanData>> complete)
            throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            final List<SpanData> all = exporter.getFinishedSpanItems();
            final String traceId = all.stream()
                    .filter(span -> orderId.equals(span.getAttributes().get(ORDER_ID)))
                    .map(SpanData::getTraceId)
                    .findFirst()
                    .orElse(null);
            final List<SpanData> order = all.stream()
                    .filter(span -> span.getTraceId().equals(traceId))
                    .toList();
            if (complete.test(order)) {
                return order;
            }
            assertThat(System.nanoTime())
                    .as(
                            "spans of order %s so far: %s",
                            orderId, order.stream().map(SpanData::getName).toList())
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static long count(final List<SpanData> spans, final String name) {
        return spans.stream().filter(span -> span.getName().equals(name)).count();
    }

    private static SpanData only(final List<SpanData> spans, final String name) {
        final List<SpanData> found =
                spans.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }

    private static HttpResponse<String> get(final String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(pipeline.url(0) + path))
                        .timeout(Duration.ofSeconds(40))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final HttpResponse<String> response) throws Exception {
        return JsonSerde.MAPPER.readTree(response.body());
    }
}
