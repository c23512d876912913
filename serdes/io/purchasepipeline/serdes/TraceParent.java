package io.purchasepipeline.serdes;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The W3C trace context of the order a record belongs to, in the {@value #HEADER} record header next
 * to {@link CorrelationId}: a record carries the context of the span that made it, so that a tracing
 * system follows one order from its HTTP request through every hop and worker as one trace. Only
 * {@code traceparent} travels: a storefront's {@code tracestate} is vendor data the pipeline has no
 * use for, and every record would carry it.
 */
public final class TraceParent {

    public static final String HEADER = "traceparent";

    /**
     * Spans of no one's: the context of a record (or of a storefront's request) is passed on as it
     * came, nothing is recorded and, without a context coming in, nothing is added. What every
     * process runs with when no trace exporter is configured.
     */
    public static final OpenTelemetry UNTRACED =
            OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(final Headers headers) {
            return List.of(HEADER);
        }

        @Override
        public String get(final Headers headers, final String key) {
            if (headers == null || !HEADER.equals(key)) {
                return null;
            }
            final Header header = headers.lastHeader(HEADER);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        if (headers != null && HEADER.equals(key)) {
            headers.remove(HEADER);
            headers.add(HEADER, value.getBytes(StandardCharsets.UTF_8));
        }
    };

    private TraceParent() {}

    /** The span context in {@code headers}; an invalid one when they carry none (or a malformed one). */
    public static SpanContext of(final Headers headers) {
        return Span.fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER))
                .getSpanContext();
    }

    /** The span context a {@link #format formatted} header value names; an invalid one for null or a malformed value. */
    public static SpanContext parse(final String traceparent) {
        if (traceparent == null) {
            return SpanContext.getInvalid();
        }
        final Headers headers = new RecordHeaders();
        headers.add(HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        return of(headers);
    }

    /** The header's value for {@code span}, or null for an invalid one (nothing to follow). */
    public static String format(final SpanContext span) {
        if (!span.isValid()) {
            return null;
        }
        final Headers headers = new RecordHeaders();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(span)), headers, SETTER);
        return new String(headers.lastHeader(HEADER).value(), StandardCharsets.UTF_8);
    }

    /** Puts the span of {@code context} into {@code headers} (replacing any), when it has a valid one. */
    public static Headers inject(final Context context, final Headers headers) {
        W3CTraceContextPropagator.getInstance().inject(context, headers, SETTER);
        return headers;
    }

    /** Puts {@code span} into {@code headers} (replacing any), when it is valid. */
    public static Headers put(final Headers headers, final SpanContext span) {
        return span.isValid() ? inject(Context.root().with(Span.wrap(span)), headers) : headers;
    }

    /**
     * {@code headers} carrying {@code span}: a copy, as the headers of a record in hand may be shared
     * with the record that caused it; {@code headers} themselves when the span is invalid.
     */
    public static Headers with(final Headers headers, final SpanContext span) {
        return span.isValid() ? put(new RecordHeaders(headers.toArray()), span) : headers;
    }
}
