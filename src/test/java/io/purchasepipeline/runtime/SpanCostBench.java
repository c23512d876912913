package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.purchasepipeline.serdes.TraceParent;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The process's CPU time per span, off and with OTLP export to a receiver in this JVM that takes
 * every batch, at a pace the batch queue keeps up with (no span dropped), each mode twice (the
 * first round warms the JIT up). Run with
 * {@code mvn -B -q test -Dtest=SpanCostBench -Dgroups=bench -DexcludedGroups=}.
 */
@Tag("bench")
class SpanCostBench {

    private static final int SPANS = 60_000;
    /** 20 spans a millisecond at most: the batch processor's queue (2,048) never overflows. */
    private static final int SPANS_PER_PAUSE = 20;

    @Test
    void measure() throws Exception {
        final AtomicLong received = new AtomicLong();
        final HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            received.addAndGet(exchange.getRequestBody().readAllBytes().length);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try {
            for (final String mode : new String[] {"off", "otlp", "off", "otlp"}) {
                final long cpuBefore = os.getProcessCpuTime();
                try (Tracing tracing = mode.equals("off")
                        ? Tracing.off()
                        : Tracing.otlp(
                                "http://127.0.0.1:" + receiver.getAddress().getPort())) {
                    final Tracer tracer = tracing.forRole(Tracing.Role.PIPELINE).getTracer("bench");
                    for (int i = 0; i < SPANS; i++) {
                        // as a hop: a span with the topology's attributes, its context formatted for a header
                        final Span span = tracer.spanBuilder("order intake")
                                .setAttribute("messaging.system", "kafka")
                                .setAttribute("messaging.destination.name", "orders")
                                .setAttribute("purchase.order.id", "order-" + i)
                                .startSpan();
                        TraceParent.format(span.getSpanContext());
                        span.end();
                        if (i % SPANS_PER_PAUSE == 0) {
                            Thread.sleep(1);
                        }
                    }
                }
                final double cpuMicros = (os.getProcessCpuTime() - cpuBefore) / 1000.0 / SPANS;
                final long bytes = received.getAndSet(0);
                System.out.printf(
                        Locale.ROOT,
                        "spans %s: %.1f us CPU per span, %.0f bytes exported per span%n",
                        mode,
                        cpuMicros,
                        bytes / (double) SPANS);
                if (mode.equals("off")) {
                    assertThat(bytes).as("nothing exported when off").isZero();
                } else {
                    assertThat(bytes / (double) SPANS).as("every span exported").isGreaterThan(50);
                }
            }
        } finally {
            receiver.stop(0);
        }
    }
}
