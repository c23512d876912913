package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.purchasepipeline.serdes.TraceParent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TracingTest {

    @Test
    void withoutAnEndpointNothingIsRecordedAndContextsArePassedOn() {
        try (Tracing off = Tracing.otlp(" ")) {
            assertThat(off.exporting()).isFalse();
            assertThat(off.describe()).startsWith("off");
            assertThat(Tracing.Role.values())
                    .allSatisfy(role -> assertThat(off.forRole(role)).isSameAs(TraceParent.UNTRACED));
        }
    }

    @Test
    void spansArePostedUnderTheReceiversTracesPath() {
        assertThat(Tracing.tracesUrl("http://jaeger:4318")).isEqualTo("http://jaeger:4318/v1/traces");
        assertThat(Tracing.tracesUrl("https://collector.example/otlp/"))
                .isEqualTo("https://collector.example/otlp/v1/traces");
        assertThat(Tracing.tracesUrl("http://jaeger:4318/v1/traces")).isEqualTo("http://jaeger:4318/v1/traces");
        assertThat(Tracing.otlp("http://jaeger:4318").describe())
                .isEqualTo("OTLP/HTTP to http://jaeger:4318/v1/traces");
    }

    @Test
    void anEndpointThatIsNoHttpUrlIsRefused() {
        for (final String bad : List.of("localhost:4318", "grpc://jaeger:4317", "http://", "not a url")) {
            assertThatThrownBy(() -> Tracing.otlp(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("http://localhost:4318");
        }
    }

    @Test
    void eachRoleTracesUnderItsOwnServiceName() {
        final InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.to(role -> SimpleSpanProcessor.create(exporter))) {
            assertThat(tracing.forRole(Tracing.Role.PAYMENT)).isSameAs(tracing.forRole(Tracing.Role.PAYMENT));
            for (final Tracing.Role role : Tracing.Role.values()) {
                tracing.forRole(role)
                        .getTracer("test")
                        .spanBuilder(role.name())
                        .startSpan()
                        .end();
            }

            assertThat(exporter.getFinishedSpanItems())
                    .extracting(span -> span.getName() + " "
                            + span.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                    .containsExactly(
                            "PIPELINE purchase-pipeline",
                            "PAYMENT payment-worker",
                            "MAIL mail-sender",
                            "EBOOK ebook-worker");
        }
    }

    @Test
    void exportsOverOtlpHttpAndSendsWhatIsBufferedWhenClosed() throws IOException {
        final List<String> received = new CopyOnWriteArrayList<>();
        final HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.add(exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                        + new String(body.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            try (Tracing tracing =
                    Tracing.otlp("http://127.0.0.1:" + receiver.getAddress().getPort())) {
                tracing.forRole(Tracing.Role.EBOOK)
                        .getTracer("test")
                        .spanBuilder("ebook make")
                        .startSpan()
                        .end();
            }

            assertThat(received)
                    .singleElement()
                    .satisfies(request -> assertThat(request)
                            .startsWith("POST /v1/traces application/x-protobuf")
                            .contains("ebook make", "ebook-worker"));
        } finally {
            receiver.stop(0);
        }
    }
}
