package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.purchasepipeline.http.PlaceOrderRequest;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.RoutableOrderId;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP clients of {@code load --http} against stand-ins for the API's {@code POST /orders}. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HttpOrderSenderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final OrderIds runIds = new OrderIds(7);
    private final OrderMix mix = new OrderMix(
            new OrderMix.Spec(100, 10, null, 3, 0, 0, 0, 1000, new CardMix.Converter().convert(CardMix.DEFAULT)),
            new LoadCatalog(runIds.runTag(), 100, 0, false),
            runIds,
            11);
    private final HttpOrderIds ids = new HttpOrderIds(mix);
    private final HttpAnswers answers = new HttpAnswers();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService handlers = Executors.newFixedThreadPool(8);

    /** What a stand-in intake does with one request: its status and body. */
    @FunctionalInterface
    private interface Answer {
        Reply to(Received request) throws Exception;
    }

    private record Reply(int status, String body) {}

    private record Received(String path, String contentType, String key, String correlationId, PlaceOrderRequest body) {

        /** The 202 the API gives: the id its key names for the customer. */
        Reply accepted() {
            return new Reply(
                    202,
                    "{\"orderId\":\"" + RoutableOrderId.keyed(body.customerId(), key) + "\",\"status\":\"PENDING\"}");
        }
    }

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
        handlers.shutdownNow();
    }

    @Test
    void postsEachOrderAsAStorefrontDoesAndKnowsItsIdBeforeTheAnswer() throws Exception {
        final List<Received> received = new CopyOnWriteArrayList<>();
        final URI instance = intake(request -> {
            received.add(request);
            return request.accepted();
        });
        final Outcomes outcomes = new Outcomes(ids, 100);

        final OrderSender.Stop stop =
                sender(List.of(instance), 3, outcomes, Rate.MAX).send(20, null);

        assertThat(stop).isEqualTo(OrderSender.Stop.ORDERS);
        assertThat(received).hasSize(20);
        for (final Received request : received) {
            final long seq =
                    Long.parseLong(request.key().substring(request.key().lastIndexOf('-') + 1));
            assertThat(request.path()).isEqualTo("/orders");
            assertThat(request.contentType()).isEqualTo("application/json");
            assertThat(request.body()).isEqualTo(mix.request(seq));
            assertThat(request.correlationId()).isEqualTo(mix.correlationId(seq));
            assertThat(ids.seq(RoutableOrderId.keyed(request.body().customerId(), request.key())))
                    .isEqualTo(seq);
        }
        assertThat(outcomes.snapshot().sent()).isEqualTo(20);
        assertThat(outcomes.snapshot().inFlight()).isEqualTo(20);
        final HttpAnswers.Result result = answers.result();
        assertThat(result.statuses()).isEqualTo(Map.of(202, 20L));
        assertThat(result.acceptedLatencies().getTotalCount()).isEqualTo(20);
    }

    @Test
    void eachClientSendsItsNextOrderOnlyOnceThePreviousWasAnswered() throws Exception {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger mostOpen = new AtomicInteger();
        final URI instance = intake(request -> {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            Thread.sleep(20);
            open.decrementAndGet();
            return request.accepted();
        });

        sender(List.of(instance), 4, new Outcomes(ids, 100), Rate.MAX).send(40, null);

        // four clients: never more than four requests at once, and with a slow answer all four at once
        assertThat(mostOpen.get()).isEqualTo(4);
        assertThat(answers.result().statuses()).isEqualTo(Map.of(202, 40L));
    }

    @Test
    void theClientsAreSpreadOverTheInstances() throws Exception {
        final Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();
        final Answer counting = request -> {
            Thread.sleep(5);
            return request.accepted();
        };
        final URI first = intake(request -> {
            byInstance.computeIfAbsent("first", name -> new AtomicInteger()).incrementAndGet();
            return counting.to(request);
        });
        final URI second = intake(request -> {
            byInstance.computeIfAbsent("second", name -> new AtomicInteger()).incrementAndGet();
            return counting.to(request);
        });

        sender(List.of(first, URI.create(second + "/")), 4, new Outcomes(ids, 100), Rate.MAX)
                .send(40, null);

        assertThat(byInstance.keySet()).containsExactlyInAnyOrder("first", "second");
        assertThat(byInstance.get("first").get() + byInstance.get("second").get())
                .isEqualTo(40);
    }

    @Test
    void anEndReadBeforeTheAnswerIsMatchedToItsOrder() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 100);
        final URI instance = intake(request -> {
            // the pipeline is faster than the answer: the end is read while the request is open
            final String id = RoutableOrderId.keyed(request.body().customerId(), request.key());
            assertThat(outcomes.ended(id, OrderStatus.COMPLETED, System.nanoTime()))
                    .isEqualTo(Outcomes.Ending.FIRST);
            return request.accepted();
        });

        sender(List.of(instance), 2, outcomes, Rate.MAX).send(10, null);

        final Outcomes.Result result = outcomes.result();
        assertThat(result.sent()).isEqualTo(10);
        assertThat(result.ended()).isEqualTo(10);
        assertThat(result.notEnded()).isZero();
    }

    @Test
    void answersOtherThanAcceptedAreCountedTheirOrdersNotPlacedAndTheRunGoesOn() throws Exception {
        final AtomicInteger count = new AtomicInteger();
        final URI instance = intake(request -> count.incrementAndGet() % 4 == 0
                ? new Reply(429, "{\"error\":\"too many requests\",\n \"retryAfterSeconds\": 1}")
                : request.accepted());
        final Outcomes outcomes = new Outcomes(ids, 100);

        final OrderSender.Stop stop =
                sender(List.of(instance), 1, outcomes, Rate.MAX).send(20, null);

        assertThat(stop).isEqualTo(OrderSender.Stop.ORDERS);
        final Outcomes.Result result = outcomes.result();
        assertThat(result.sent()).isEqualTo(15);
        assertThat(result.failedSends()).isEqualTo(5);
        assertThat(result.notEnded()).isEqualTo(15);
        assertThat(answers.result().statuses()).isEqualTo(Map.of(202, 15L, 429, 5L));
        assertThat(answers.result().notAccepted()).isEqualTo(5);
        assertThat(answers.result().acceptedLatencies().getTotalCount()).isEqualTo(15);
        assertThat(outcomes.firstFailure())
                .hasMessage("HTTP 429 from " + instance + "/orders: "
                        + "{\"error\":\"too many requests\", \"retryAfterSeconds\": 1}");
    }

    @Test
    void anInstanceThatDoesNotAnswerStopsTheRun() throws Exception {
        final URI nowhere =
                URI.create("http://127.0.0.1:" + LoopbackPorts.free(1).get(0));
        final Outcomes outcomes = new Outcomes(ids, 100);

        final OrderSender.Stop stop =
                sender(List.of(nowhere), 2, outcomes, Rate.MAX).send(1000, null);

        assertThat(stop).isEqualTo(OrderSender.Stop.HTTP_FAILED);
        assertThat(outcomes.result().sent()).isZero();
        assertThat(outcomes.result().failedSends()).isBetween(1L, 2L);
        assertThat(outcomes.firstFailure()).hasMessageStartingWith(nowhere + "/orders did not answer");
        assertThat(answers.result().statuses()).isEmpty();
    }

    @Test
    void anAnswerNamingAnotherOrderThanTheKeyStopsTheRun() throws Exception {
        final URI instance = intake(request -> new Reply(202, "{\"orderId\":\"someone-else\",\"status\":\"PENDING\"}"));
        final Outcomes outcomes = new Outcomes(ids, 100);

        final OrderSender.Stop stop =
                sender(List.of(instance), 1, outcomes, Rate.MAX).send(10, null);

        assertThat(stop).isEqualTo(OrderSender.Stop.HTTP_FAILED);
        assertThat(outcomes.result().failedSends()).isEqualTo(1);
        assertThat(outcomes.firstFailure()).hasMessageContaining("answered order someone-else for the key of");
    }

    @Test
    void atAFixedRateTheClientsShareOneScheduleAndTheDurationEndsIt() throws Exception {
        final URI instance = intake(Received::accepted);
        final Outcomes outcomes = new Outcomes(ids, 1000);

        final OrderSender.Stop stop =
                sender(List.of(instance), 4, outcomes, new Rate(100)).send(1000, Duration.ofMillis(300));

        // 100/s for 300 ms: orders 0 to 29 are due within it, whichever client sends them
        assertThat(stop).isEqualTo(OrderSender.Stop.DURATION);
        assertThat(outcomes.result().sent()).isEqualTo(30);
        assertThat(answers.result().statuses()).isEqualTo(Map.of(202, 30L));
    }

    @Test
    void aFullWindowHoldsTheClientsBackAndNoEndIsAStall() throws Exception {
        final URI instance = intake(Received::accepted);
        final Outcomes outcomes = new Outcomes(ids, 5);

        final OrderSender.Stop stop = new HttpOrderSender(
                        http, List.of(instance), 3, mix, ids, outcomes, answers, Rate.MAX, Duration.ofMillis(300))
                .send(100, null);

        assertThat(stop).isEqualTo(OrderSender.Stop.STALLED);
        assertThat(outcomes.result().sent()).isEqualTo(5);
    }

    private HttpOrderSender sender(
            final List<URI> instances, final int clients, final Outcomes outcomes, final Rate rate) {
        return new HttpOrderSender(http, instances, clients, mix, ids, outcomes, answers, rate, TIMEOUT);
    }

    /** A stand-in for an instance's intake on a free loopback port; its base URL. */
    private URI intake(final Answer answer) throws IOException {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> reply(exchange, answer));
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void reply(final HttpExchange exchange, final Answer answer) throws IOException {
        Reply reply;
        try {
            reply = answer.to(new Received(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("X-Correlation-Id"),
                    JsonSerde.MAPPER.readValue(exchange.getRequestBody(), PlaceOrderRequest.class)));
        } catch (Exception | AssertionError e) {
            reply = new Reply(500, String.valueOf(e.getMessage()));
        }
        final byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
