package io.purchasepipeline.runtime;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.purchasepipeline.serdes.TraceParent;
import org.apache.kafka.common.header.Headers;

/**
 * A worker's span for one record of an order (a payment asked, an e-book, an email): a child of the
 * context the record carries, so it joins the order's trace.
 */
public final class RecordSpans {

    public static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("purchase.order.id");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("purchase.outcome");
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

    public static final RecordSpans UNTRACED = new RecordSpans(TraceParent.UNTRACED);

    private final Tracer tracer;

    public RecordSpans(final OpenTelemetry telemetry) {
        this.tracer = telemetry.getTracer("io.purchasepipeline.runtime");
    }

    /** A span for the record of {@code topic} with {@code headers}, about order {@code orderId} (may be null). */
    public Span start(final String name, final Headers headers, final String topic, final String orderId) {
        final var builder = tracer.spanBuilder(name)
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(Context.root().with(Span.wrap(TraceParent.of(headers))))
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(DESTINATION, topic);
        if (orderId != null) {
            builder.setAttribute(ORDER_ID, orderId);
        }
        return builder.startSpan();
    }

    /** Marks {@code span} as failed by {@code failure}. */
    public static void failed(final Span span, final Throwable failure) {
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
}
