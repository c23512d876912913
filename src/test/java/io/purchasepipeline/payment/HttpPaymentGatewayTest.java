package io.purchasepipeline.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.PaymentStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against a stub of the payment API on a free loopback port. */
class HttpPaymentGatewayTest {

    private record Call(String method, String path, String idempotencyKey, String contentType, JsonNode body) {}

    private record Reply(int code, String body, long delayMs) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Reply reply = new Reply(200, "{\"id\":\"auth-1\",\"status\":\"APPROVED\"}", 0);
    private HttpServer stub;
    private HttpPaymentGateway gateway;

    @BeforeEach
    void startStub() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.setExecutor(Executors.newCachedThreadPool());
        stub.createContext("/v1/", this::answer);
        stub.start();
        gateway = new HttpPaymentGateway(
                URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/v1"), Duration.ofSeconds(3));
    }

    @AfterEach
    void stopStub() {
        stub.stop(0);
    }

    @Test
    void authorisesWithTheIdempotencyKeyAndTheDocumentedJson() {
        final GatewayAnswer answer = gateway.authorise(
                        "o-1/authorise", new BigDecimal("42.50"), "EUR", "424242******4242")
                .join();

        assertThat(answer).isEqualTo(new GatewayAnswer("auth-1", PaymentStatus.APPROVED));
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.method()).isEqualTo("POST");
            assertThat(call.path()).isEqualTo("/v1/authorisations");
            assertThat(call.idempotencyKey()).isEqualTo("o-1/authorise");
            assertThat(call.contentType()).isEqualTo("application/json");
            assertThat(call.body().toString())
                    .isEqualTo("{\"amount\":\"42.50\",\"currency\":\"EUR\",\"card\":\"424242******4242\"}");
        });
    }

    @Test
    void capturesAndVoidsTheNamedAuthorisation() {
        reply = new Reply(201, "{\"id\":\"cap-9\",\"status\":\"APPROVED\"}", 0);
        assertThat(gateway.capture("o-1/capture", "auth 1", new BigDecimal("42.50"), "EUR")
                        .join())
                .isEqualTo(new GatewayAnswer("cap-9", PaymentStatus.APPROVED));
        reply = new Reply(200, "{\"id\":\"void-3\",\"status\":\"APPROVED\"}", 0);
        assertThat(gateway.voidAuthorisation("o-1/void", "auth-1").join())
                .isEqualTo(new GatewayAnswer("void-3", PaymentStatus.APPROVED));

        assertThat(calls)
                .extracting(
                        Call::path, Call::idempotencyKey, call -> call.body().toString())
                .containsExactly(
                        tuple(
                                "/v1/authorisations/auth%201/capture",
                                "o-1/capture", "{\"amount\":\"42.50\",\"currency\":\"EUR\"}"),
                        tuple("/v1/authorisations/auth-1/void", "o-1/void", "{}"));
    }

    @Test
    void mapsRefusalsToDeclines() {
        reply = new Reply(402, "{\"id\":\"auth-2\",\"status\":\"INSUFFICIENT_FUNDS\"}", 0);
        assertThat(authorise()).isEqualTo(new GatewayAnswer("auth-2", PaymentStatus.INSUFFICIENT_FUNDS));
        reply = new Reply(402, "{\"error\":\"card declined\"}", 0);
        assertThat(authorise()).isEqualTo(new GatewayAnswer(null, PaymentStatus.DECLINED));
        reply = new Reply(200, "{\"id\":\"auth-3\",\"status\":\"DECLINED\"}", 0);
        assertThat(authorise()).isEqualTo(new GatewayAnswer("auth-3", PaymentStatus.DECLINED));
        reply = new Reply(409, "{\"id\":\"cap-4\",\"error\":\"authorisation voided\"}", 0);
        assertThat(gateway.capture("o-1/capture", "auth-1", BigDecimal.ONE, "EUR")
                        .join())
                .isEqualTo(new GatewayAnswer("cap-4", PaymentStatus.DECLINED));
    }

    @Test
    void noAnswerIsUnavailable() {
        for (final Reply unanswered : List.of(
                new Reply(503, "", 0),
                new Reply(429, "", 0),
                new Reply(500, "oops", 0),
                new Reply(200, "{\"id\":\"auth-5\",\"status\":\"PENDING\"}", 0),
                new Reply(200, "not json", 0),
                new Reply(200, "{\"id\":\"auth-6\",\"status\":\"APPROVED\"}", 4_000))) {
            reply = unanswered;
            assertThat(gateway.authorise("o-1/authorise", BigDecimal.ONE, "EUR", "424242******4242"))
                    .as("%s", unanswered)
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(PaymentUnavailableException.class);
        }
    }

    @Test
    void aGatewayThatIsNotThereIsUnavailable() {
        stub.stop(0);

        assertThat(gateway.authorise("o-1/authorise", BigDecimal.ONE, "EUR", "424242******4242"))
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(PaymentUnavailableException.class);
    }

    private GatewayAnswer authorise() {
        return gateway.authorise("o-1/authorise", BigDecimal.ONE, "EUR", "424242******4242")
                .join();
    }

    private void answer(final HttpExchange exchange) throws IOException {
        final byte[] received = exchange.getRequestBody().readAllBytes();
        calls.add(new Call(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders().getFirst(HttpPaymentGateway.IDEMPOTENCY_KEY),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                JsonSerde.MAPPER.readTree(received)));
        final Reply now = reply;
        try {
            Thread.sleep(now.delayMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final byte[] body = now.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(now.code(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
