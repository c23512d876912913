package io.purchasepipeline.topology;

import static io.purchasepipeline.topology.PipelineDriver.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology's part of an order's trace: each hop a span, a child of the context in the record
 * that caused it, and every record a hop forwards carrying the hop's own context.
 */
class OrderTraceTest {

    private static final AttributeKey<String> ACTION = AttributeKey.stringKey("purchase.action");
    private static final AttributeKey<String> SKU = AttributeKey.stringKey("purchase.sku");
    private static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("purchase.order.id");
    private static final List<String> ORDER_TOPICS = List.of(
            Topics.ORDER_EVENTS.name(),
            Topics.EMAILS.name(),
            Topics.RESERVATION_COMMANDS.name(),
            Topics.RESERVATION_RESULTS.name(),
            Topics.PAYMENT_REQUESTS.name(),
            Topics.EBOOK_REQUESTS.name());

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private SdkTracerProvider provider;
    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        pipeline = new PipelineDriver(
                new GatewayDesk(),
                Map.of(),
                OpenTelemetrySdk.builder().setTracerProvider(provider).build());
        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 10L);
        pipeline.define("ebook", ProductKind.DIGITAL, "9.99", null);
        drain(Topics.PRODUCTS.name());
    }

    @AfterEach
    void stop() {
        pipeline.close();
        provider.close();
    }

    @Test
    void everyHopOfAnOrderIsASpanUnderTheContextItsRecordCarried() {
        final SpanContext request = storefrontSpan();
        final Map<String, List<TestRecord<byte[], byte[]>>> records = place("o-1", GatewayDesk.APPROVED_CARD, request);
        assertThat(pipeline.order("o-1").status()).isEqualTo(OrderStatus.COMPLETED);

        final List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans)
                .extracting(SpanData::getName)
                .containsExactlyInAnyOrder(
                        "order intake",
                        "sku reservation",
                        "sku reservation",
                        "order line answered",
                        "order line answered",
                        "order payment answered",
                        "sku reservation",
                        "sku reservation",
                        "order payment answered");
        assertThat(spans).allSatisfy(span -> {
            assertThat(span.getTraceId()).isEqualTo(request.getTraceId());
            assertThat(span.getAttributes().get(ORDER_ID)).isEqualTo("o-1");
        });

        final SpanData intake = only(spans, "order intake");
        assertThat(intake.getParentSpanId()).isEqualTo(request.getSpanId());
        final List<SpanData> holds = spans.stream()
                .filter(span -> "HOLD".equals(span.getAttributes().get(ACTION)))
                .toList();
        assertThat(holds).extracting(span -> span.getAttributes().get(SKU)).containsExactlyInAnyOrder("book", "ebook");
        assertThat(holds).allSatisfy(hold -> assertThat(hold.getParentSpanId()).isEqualTo(intake.getSpanId()));
        assertThat(spans.stream()
                        .filter(span -> span.getName().equals("order line answered"))
                        .map(SpanData::getParentSpanId))
                .containsExactlyInAnyOrderElementsOf(
                        holds.stream().map(SpanData::getSpanId).toList());

        // the authorisation was asked by the intake; its answer completed the order, which confirmed and captured
        final List<SpanData> payments = spans.stream()
                .filter(span -> span.getName().equals("order payment answered"))
                .toList();
        final SpanData authorised = payments.stream()
                .filter(span -> span.getParentSpanId().equals(intake.getSpanId()))
                .findFirst()
                .orElseThrow();
        assertThat(authorised.getAttributes().get(AttributeKey.stringKey("purchase.order.status")))
                .isEqualTo("COMPLETED");
        assertThat(spans.stream()
                        .filter(span -> "CONFIRM".equals(span.getAttributes().get(ACTION))))
                .hasSize(2)
                .allSatisfy(confirm -> assertThat(confirm.getParentSpanId()).isEqualTo(authorised.getSpanId()));
        assertThat(payments)
                .filteredOn(span -> span != authorised)
                .singleElement()
                .satisfies(captured -> assertThat(captured.getParentSpanId()).isEqualTo(authorised.getSpanId()));

        // what a hop wrote carries that hop's span: the received email the intake's, the e-book the completion's
        final Map<String, SpanData> byId =
                spans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
        ORDER_TOPICS.forEach(topic -> assertThat(records.get(topic))
                .as(topic)
                .isNotEmpty()
                .allSatisfy(record -> {
                    assertThat(byId)
                            .as("%s carries a span of the trace", topic)
                            .containsKey(TraceParent.of(record.headers()).getSpanId());
                    assertThat(CorrelationId.of(record.headers())).isEqualTo("req-o-1");
                }));
        assertThat(records.get(Topics.EBOOK_REQUESTS.name()))
                .singleElement()
                .satisfies(record ->
                        assertThat(TraceParent.of(record.headers()).getSpanId()).isEqualTo(authorised.getSpanId()));
        assertThat(records.get(Topics.EMAILS.name()))
                .extracting(record -> TraceParent.of(record.headers()).getSpanId())
                .containsExactly(intake.getSpanId(), authorised.getSpanId());
    }

    @Test
    void whatATimerDoesForAnOrderJoinsItsTraceUnderTheHopThatPlacedIt() {
        final SpanContext request = storefrontSpan();
        place("o-2", GatewayDesk.UNAVAILABLE_CARD, request);
        final SpanData intake = only(exporter.getFinishedSpanItems(), "order intake");
        assertThat(pipeline.order("o-2").traceparent()).isEqualTo(TraceParent.format(intake.getSpanContext()));
        exporter.reset();

        pipeline.advanceWallClock(Duration.ofMinutes(11));

        assertThat(pipeline.order("o-2").status()).isEqualTo(OrderStatus.EXPIRED);
        final List<SpanData> timers = exporter.getFinishedSpanItems().stream()
                .filter(span -> span.getName().startsWith("order hold timeout")
                        || span.getName().startsWith("order payment retry"))
                .toList();
        assertThat(timers).extracting(SpanData::getName).contains("order hold timeout", "order payment retry");
        assertThat(timers).allSatisfy(timer -> {
            assertThat(timer.getTraceId()).isEqualTo(request.getTraceId());
            assertThat(timer.getParentSpanId()).isEqualTo(intake.getSpanId());
        });
        final SpanData expiry = only(timers, "order hold timeout");
        assertThat(drain(Topics.RESERVATION_COMMANDS.name()))
                .as("the held book given back")
                .isNotEmpty()
                .allSatisfy(record ->
                        assertThat(TraceParent.of(record.headers()).getSpanId()).isEqualTo(expiry.getSpanId()));
        assertThat(exporter.getFinishedSpanItems())
                .filteredOn(span -> "RELEASE".equals(span.getAttributes().get(ACTION)))
                .isNotEmpty()
                .allSatisfy(release -> assertThat(release.getParentSpanId()).isEqualTo(expiry.getSpanId()));
    }

    @Test
    void anOrderWithoutATraceStartsItsOwnAtIntake() {
        place("o-3", GatewayDesk.APPROVED_CARD, SpanContext.getInvalid());

        final List<SpanData> spans = exporter.getFinishedSpanItems();
        final SpanData intake = only(spans, "order intake");
        assertThat(intake.getParentSpanContext().isValid()).isFalse();
        assertThat(spans)
                .hasSize(9)
                .allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(intake.getTraceId()));
    }

    @Test
    void untracedThePipelinePassesAStorefrontsContextOnAndAddsNoneOfItsOwn() {
        pipeline.close();
        pipeline = new PipelineDriver(new GatewayDesk(), Map.of());
        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 10L);
        pipeline.define("ebook", ProductKind.DIGITAL, "9.99", null);
        final SpanContext request = storefrontSpan();

        final Map<String, List<TestRecord<byte[], byte[]>>> traced = place("o-4", GatewayDesk.APPROVED_CARD, request);
        final Map<String, List<TestRecord<byte[], byte[]>>> untraced =
                place("o-5", GatewayDesk.APPROVED_CARD, SpanContext.getInvalid());

        ORDER_TOPICS.forEach(topic -> {
            assertThat(traced.get(topic))
                    .as(topic)
                    .isNotEmpty()
                    .allSatisfy(record -> assertThat(TraceParent.format(TraceParent.of(record.headers())))
                            .isEqualTo(TraceParent.format(request)));
            assertThat(untraced.get(topic))
                    .as(topic)
                    .isNotEmpty()
                    .allSatisfy(record -> assertThat(record.headers().lastHeader(TraceParent.HEADER))
                            .isNull());
        });
        assertThat(pipeline.order("o-4").traceparent()).isEqualTo(TraceParent.format(request));
        assertThat(pipeline.order("o-5").traceparent()).isNull();
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    /** A span of the storefront's, as the HTTP request's server span would be: the order's trace goes on under it. */
    private static SpanContext storefrontSpan() {
        final IdGenerator ids = IdGenerator.random();
        return SpanContext.createFromRemoteParent(
                ids.generateTraceId(), ids.generateSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
    }

    /** Places an order of a book and an e-book, as the HTTP intake writes it; what it led to, per topic. */
    private Map<String, List<TestRecord<byte[], byte[]>>> place(
            final String orderId, final String card, final SpanContext parent) {
        final Order order = new Order(
                orderId,
                "alice",
                "Alice",
                "alice@example.com",
                List.of(line("book", 1), line("ebook", 1)),
                new PaymentDetails(card));
        final Headers headers = TraceParent.put(CorrelationId.headers("req-" + orderId), parent);
        pipeline.driver
                .createInputTopic(
                        Topics.ORDERS.name(),
                        Topics.ORDERS.keySerde().serializer(),
                        Topics.ORDERS.valueSerde().serializer())
                .pipeInput(new TestRecord<>("alice", order, headers, PipelineDriver.START));
        // the payment worker, played by the driver, answers with the request's headers
        pipeline.answerPayments();
        final Map<String, List<TestRecord<byte[], byte[]>>> caused = new java.util.HashMap<>();
        ORDER_TOPICS.forEach(topic -> caused.put(topic, drain(topic)));
        caused.put(
                Topics.PAYMENT_REQUESTS.name(),
                pipeline.takenPaymentRequests().stream()
                        .map(record -> new TestRecord<byte[], byte[]>(
                                new byte[0], new byte[0], record.headers(), record.timestamp()))
                        .toList());
        return caused;
    }

    private List<TestRecord<byte[], byte[]>> drain(final String topic) {
        return pipeline.driver
                .createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static SpanData only(final List<SpanData> spans, final String name) {
        return spans.stream()
                .filter(span -> span.getName().equals(name))
                .collect(Collectors.collectingAndThen(Collectors.toList(), found -> {
                    assertThat(found).as(name).hasSize(1);
                    return found.get(0);
                }));
    }
}
