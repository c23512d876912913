package io.purchasepipeline.topology;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.purchasepipeline.serdes.TraceParent;
import org.apache.kafka.common.header.Headers;

/**
 * One span per hop of an order in the topology: the customer's task taking the order in (intake,
 * fraud check, holds and authorisation asked), each SKU task applying a reservation command, the
 * customer's task taking an answer (a line's, the gateway's) or a timer's turn. A span's parent is
 * the context in the record that caused it, and the records the hop forwards carry the span's own
 * context (see {@link TraceParent}). Analytics and the catalog get none: they are no order's.
 */
final class HopSpans {

    static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("purchase.order.id");
    static final AttributeKey<String> SKU = AttributeKey.stringKey("purchase.sku");
    static final AttributeKey<String> ACTION = AttributeKey.stringKey("purchase.action");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("purchase.outcome");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("purchase.order.status");
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

    /** No spans: contexts coming in are passed on, nothing is recorded. */
    static final HopSpans UNTRACED = new HopSpans(TraceParent.UNTRACED);

    private final Tracer tracer;

    HopSpans(final OpenTelemetry telemetry) {
        this.tracer = telemetry.getTracer("io.purchasepipeline.topology");
    }

    /** A hop caused by a record: its parent is the context the record carries, else {@code fallback}'s. */
    Span start(
            final String name, final Headers headers, final String topic, final String orderId, final String fallback) {
        SpanContext parent = TraceParent.of(headers);
        if (!parent.isValid()) {
            parent = TraceParent.parse(fallback);
        }
        return tracer.spanBuilder(name)
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(Context.root().with(Span.wrap(parent)))
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(DESTINATION, topic)
                .setAttribute(ORDER_ID, orderId)
                .startSpan();
    }

    /** A hop a timer caused: its parent is the order's own context, kept with its state ({@code traceparent}). */
    Span startTimer(final String name, final String traceparent, final String orderId) {
        return tracer.spanBuilder(name)
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(Context.root().with(Span.wrap(TraceParent.parse(traceparent))))
                .setAttribute(ORDER_ID, orderId)
                .startSpan();
    }

    /** Ends {@code span}, marked as failed by {@code failure}. */
    static void failed(final Span span, final RuntimeException failure) {
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
}
