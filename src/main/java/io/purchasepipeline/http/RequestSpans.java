package io.purchasepipeline.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.purchasepipeline.serdes.TraceParent;
import java.util.List;

/**
 * A server span around a request that starts an order's trace: a child of the caller's span when
 * the request carries a W3C {@code traceparent} (the storefront's trace goes on), else the root of
 * a new trace (W3C trace context, whatever propagators {@code telemetry} was built with, as in the
 * records). The span is the current context while the handler runs, so the record the handler
 * writes carries it ({@code TopicWriter}).
 */
public final class RequestSpans {

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** Only what a W3C propagator reads: {@code traceparent} and {@code tracestate}. */
    private static final TextMapGetter<Context> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(final Context ctx) {
            return List.of(TraceParent.HEADER, "tracestate");
        }

        @Override
        public String get(final Context ctx, final String key) {
            return ctx == null ? null : ctx.header(key);
        }
    };

    public static final RequestSpans UNTRACED = new RequestSpans(TraceParent.UNTRACED);

    private final Tracer tracer;

    public RequestSpans(final OpenTelemetry telemetry) {
        this.tracer = telemetry.getTracer("io.purchasepipeline.http");
    }

    /** {@code handler} run inside a server span named after {@code method} and {@code route}. */
    public Handler around(final String method, final String route, final Handler handler) {
        final String name = method + " " + route;
        return ctx -> {
            final Span span = tracer.spanBuilder(name)
                    .setSpanKind(SpanKind.SERVER)
                    .setParent(W3CTraceContextPropagator.getInstance()
                            .extract(io.opentelemetry.context.Context.root(), ctx, HEADERS))
                    .setAttribute(METHOD, method)
                    .setAttribute(ROUTE, route)
                    .startSpan();
            int status = 500;
            try (Scope scope = span.makeCurrent()) {
                handler.handle(ctx);
                status = ctx.statusCode();
            } catch (ApiException e) {
                status = e.status();
                throw e;
            } catch (HttpResponseException e) {
                status = e.getStatus();
                throw e;
            } catch (Exception e) {
                span.recordException(e);
                throw e;
            } finally {
                span.setAttribute(STATUS, (long) status);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                    span.setAttribute(ERROR_TYPE, Integer.toString(status));
                }
                span.end();
            }
        };
    }
}
