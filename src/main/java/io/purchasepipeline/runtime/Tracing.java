package io.purchasepipeline.runtime;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.purchasepipeline.serdes.TraceParent;
import java.net.URI;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Where a process's spans go. Off unless configured: then every role runs with
 * {@link TraceParent#UNTRACED}, which records nothing and only passes on a context that came in (a
 * storefront's {@code traceparent}), so that a process exporting further down still joins the
 * storefront's trace. With an OTLP endpoint, each role that runs in the process gets its own
 * tracer provider, named by its service name, its spans sent in batches from a thread of its own.
 */
public final class Tracing implements AutoCloseable {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    /** Where an OTLP/HTTP receiver takes spans, under its base URL (as OTEL_EXPORTER_OTLP_ENDPOINT is read). */
    private static final String TRACES_PATH = "/v1/traces";

    /** What runs in a process, each with the service name its spans carry. */
    public enum Role {
        PIPELINE("purchase-pipeline"),
        PAYMENT("payment-worker"),
        MAIL("mail-sender"),
        EBOOK("ebook-worker");

        private final String serviceName;

        Role(final String serviceName) {
            this.serviceName = serviceName;
        }

        public String serviceName() {
            return serviceName;
        }
    }

    private final Function<Role, SpanProcessor> processors;
    private final String description;
    private final Map<Role, OpenTelemetrySdk> started = new EnumMap<>(Role.class);

    private Tracing(final Function<Role, SpanProcessor> processors, final String description) {
        this.processors = processors;
        this.description = description;
    }

    /** Nothing recorded, nothing exported; contexts that come in are passed on. */
    public static Tracing off() {
        return new Tracing(null, "off (no OTLP endpoint)");
    }

    /**
     * Spans exported over OTLP/HTTP to the receiver at {@code endpoint} (its base URL, e.g.
     * {@code http://localhost:4318}); off when it is null or blank.
     *
     * @throws IllegalArgumentException when it is no http(s) URL
     */
    public static Tracing otlp(final String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            return off();
        }
        final String traces = tracesUrl(endpoint);
        return new Tracing(
                role -> BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                .setEndpoint(traces)
                                .build())
                        .build(),
                "OTLP/HTTP to " + traces);
    }

    /** Every role's finished spans handed to a processor of {@code processors}' (tests use the SDK's in-memory exporter). */
    public static Tracing to(final Function<Role, SpanProcessor> processors) {
        return new Tracing(processors, "to the given span processors");
    }

    /** The URL spans are posted to, for an OTLP/HTTP receiver's base URL. */
    static String tracesUrl(final String endpoint) {
        final String problem = "an OTLP/HTTP endpoint is an http:// or https:// URL with a host, e.g. "
                + "http://localhost:4318, not " + endpoint;
        final URI uri;
        try {
            uri = URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(problem, e);
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(problem);
        }
        final String base = uri.toString().replaceAll("/+$", "");
        return base.endsWith(TRACES_PATH) ? base : base + TRACES_PATH;
    }

    public boolean exporting() {
        return processors != null;
    }

    /** What {@code role}'s code traces with; the same instance for every call. */
    public synchronized OpenTelemetry forRole(final Role role) {
        if (processors == null) {
            return TraceParent.UNTRACED;
        }
        return started.computeIfAbsent(
                role,
                name -> OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder()
                                .setResource(Resource.getDefault()
                                        .merge(Resource.create(Attributes.of(SERVICE_NAME, role.serviceName()))))
                                .addSpanProcessor(processors.apply(role))
                                .build())
                        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                        .build());
    }

    /** One line for the start-up banner. */
    public String describe() {
        return description;
    }

    /** Sends what is still buffered, for a bounded time, and stops the exporters. */
    @Override
    public synchronized void close() {
        started.values().forEach(sdk -> sdk.shutdown().join(10, TimeUnit.SECONDS));
        started.clear();
    }
}
