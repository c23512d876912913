package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.RestoreProgress;
import io.purchasepipeline.runtime.TopicWriter;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.TraceParent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server span of {@code POST /orders}: the storefront's trace goes on, and the order's record carries the span. */
class RequestSpansTest {

    private static final String ORDER = "{\"customerId\":\"c1\",\"customerName\":\"Ann\",\"email\":\"ann@example.com\","
            + "\"items\":[{\"sku\":\"book\",\"quantity\":1}],\"payment\":{\"card\":\"4242424242424242\"}}";
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpApi http;

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        provider.close();
    }

    @Test
    void continuesTheStorefrontsTraceAndWritesTheOrderUnderTheRequestsSpan() throws Exception {
        start(new RequestSpans(
                OpenTelemetrySdk.builder().setTracerProvider(provider).build()));
        final SpanContext storefront = storefrontSpan();

        final HttpResponse<String> placed = post(ORDER, TraceParent.format(storefront));

        assertThat(placed.statusCode()).isEqualTo(202);
        final SpanData request = exporter.getFinishedSpanItems().get(0);
        assertThat(exporter.getFinishedSpanItems()).hasSize(1);
        assertThat(request.getName()).isEqualTo("POST /orders");
        assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(request.getTraceId()).isEqualTo(storefront.getTraceId());
        assertThat(request.getParentSpanId()).isEqualTo(storefront.getSpanId());
        assertThat(request.getAttributes().get(STATUS)).isEqualTo(202L);
        final ProducerRecord<byte[], byte[]> order = producer.history().get(0);
        assertThat(TraceParent.format(TraceParent.of(order.headers())))
                .isEqualTo(TraceParent.format(request.getSpanContext()));
        assertThat(CorrelationId.of(order.headers()))
                .isEqualTo(placed.headers().firstValue("X-Correlation-Id").orElseThrow());
    }

    @Test
    void aRefusedOrderEndsItsSpanWithTheStatusAndOtherRoutesGetNone() throws Exception {
        start(new RequestSpans(
                OpenTelemetrySdk.builder().setTracerProvider(provider).build()));

        assertThat(post("{}", null).statusCode()).isEqualTo(400);
        assertThat(client.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);

        assertThat(exporter.getFinishedSpanItems()).singleElement().satisfies(request -> {
            assertThat(request.getName()).isEqualTo("POST /orders");
            assertThat(request.getParentSpanContext().isValid())
                    .as("no trace came in: it starts here")
                    .isFalse();
            assertThat(request.getAttributes().get(STATUS)).isEqualTo(400L);
            assertThat(request.getStatus().getStatusCode())
                    .as("a client's mistake is no failure of ours")
                    .isEqualTo(StatusCode.UNSET);
        });
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void untracedAStorefrontsTraceparentIsWrittenOnAsItCameAndNoneIsMadeUp() throws Exception {
        start(RequestSpans.UNTRACED);
        final SpanContext storefront = storefrontSpan();

        assertThat(post(ORDER, TraceParent.format(storefront)).statusCode()).isEqualTo(202);
        assertThat(post(ORDER, null).statusCode()).isEqualTo(202);

        assertThat(producer.history())
                .extracting(record -> TraceParent.format(TraceParent.of(record.headers())))
                .containsExactly(TraceParent.format(storefront), null);
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    private void start(final RequestSpans spans) {
        final TopicWriter publisher = new TopicWriter(producer);
        final ApiMetrics metrics = new ApiMetrics();
        http = new HttpApi(
                        new OrderSubmission(publisher, 5_000),
                        publisher,
                        null,
                        null,
                        null,
                        new Probes(() -> State.RUNNING, new RestoreProgress(metrics.registry()), Optional::empty),
                        metrics,
                        HttpAccess.admin(AdminAuth.of(null)),
                        new OperatorPage(null, null),
                        spans)
                .start("127.0.0.1", 0);
    }

    private HttpResponse<String> post(final String body, final String traceparent) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SpanContext storefrontSpan() {
        final IdGenerator ids = IdGenerator.random();
        return SpanContext.createFromRemoteParent(
                ids.generateTraceId(),
                ids.generateSpanId(),
                io.opentelemetry.api.trace.TraceFlags.getSampled(),
                io.opentelemetry.api.trace.TraceState.getDefault());
    }
}
