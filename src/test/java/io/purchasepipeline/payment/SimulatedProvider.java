package io.purchasepipeline.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.PaymentStatus;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A payment provider on loopback that speaks {@link HttpPaymentGateway}'s API and is, behind it, a
 * {@link PaymentSimulator}: one gateway that several worker processes share, as they would share a
 * real provider. Its ledger outlives the workers, so a worker killed mid-call and its replay are
 * seen by the same gateway, and {@link #simulator()}{@code .doubleCharges()} tells whether any
 * order was authorised or captured twice, or captured after its void, across all of them.
 */
public final class SimulatedProvider implements AutoCloseable {

    private static final Pattern OPERATION = Pattern.compile("/v1/authorisations/([^/]+)/(capture|void)");
    /** Longer than any answer the simulator is asked to delay, shorter than a stuck test. */
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(60);

    private final PaymentSimulator simulator;
    private final HttpServer server;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService handlers = Executors.newCachedThreadPool(task -> {
        final Thread thread = new Thread(task, "simulated-provider");
        thread.setDaemon(true);
        return thread;
    });

    private SimulatedProvider(final PaymentSimulator simulator) throws IOException {
        this.simulator = simulator;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/v1/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** Starts a provider whose answers behave as {@code behaviour} says. */
    public static SimulatedProvider start(final PaymentSimulator.Behaviour behaviour) throws IOException {
        return new SimulatedProvider(new PaymentSimulator(behaviour));
    }

    /** The API's root, for {@code --payment-gateway-url}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public PaymentSimulator simulator() {
        return simulator;
    }

    /** Calls received and not answered yet. */
    public int callsInFlight() {
        return inFlight.get();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, Map.of("error", "POST only"));
                return;
            }
            final String key = exchange.getRequestHeaders().getFirst(HttpPaymentGateway.IDEMPOTENCY_KEY);
            if (key == null || key.isBlank()) {
                reply(exchange, 400, Map.of("error", "Idempotency-Key is required"));
                return;
            }
            final JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = JsonSerde.MAPPER.readTree(in);
            }
            final String path = exchange.getRequestURI().getRawPath();
            final CompletableFuture<GatewayAnswer> answer;
            final Matcher operation = OPERATION.matcher(path);
            if ("/v1/authorisations".equals(path)) {
                answer = simulator.authorise(
                        key,
                        new BigDecimal(body.path("amount").asText("0")),
                        body.path("currency").asText(),
                        body.path("card").asText());
            } else if (operation.matches()) {
                final String authorisation = URLDecoder.decode(operation.group(1), StandardCharsets.UTF_8);
                answer = "capture".equals(operation.group(2))
                        ? simulator.capture(
                                key,
                                authorisation,
                                new BigDecimal(body.path("amount").asText("0")),
                                body.path("currency").asText())
                        : simulator.voidAuthorisation(key, authorisation);
            } else {
                reply(exchange, 404, Map.of("error", "no such operation: " + path));
                return;
            }
            answer(exchange, answer);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void answer(final HttpExchange exchange, final CompletableFuture<GatewayAnswer> pending)
            throws IOException {
        final GatewayAnswer answer;
        try {
            answer = pending.get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(exchange, 503, Map.of("error", "stopping"));
            return;
        } catch (ExecutionException | TimeoutException e) {
            // the simulator lost this answer, or cannot answer for this card: the caller asks again
            reply(exchange, 503, Map.of("error", "no answer"));
            return;
        }
        final Map<String, String> reply = answer.paymentId() == null
                ? Map.of("status", answer.status().name())
                : Map.of("id", answer.paymentId(), "status", answer.status().name());
        reply(exchange, answer.status() == PaymentStatus.APPROVED ? 200 : 402, reply);
    }

    private static void reply(final HttpExchange exchange, final int status, final Map<String, String> body)
            throws IOException {
        final byte[] bytes = JsonSerde.MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        simulator.close();
    }
}
