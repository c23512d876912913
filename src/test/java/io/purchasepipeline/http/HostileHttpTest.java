package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.instance.InJvmPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile and broken clients against one running instance (a real broker in this JVM), with the
 * operator routes behind an admin token: the token is checked, Jetty's limits answer in the API's
 * JSON, slow clients lose their connections, and thousands of malformed requests from a fixed
 * seed get only 4xx answers, none hanging, leaving no thread or connection behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileHttpTest {

    private static final String TOKEN = "hostile-test-admin-token-1b6f";
    private static final long SEED = 20_261_123L;
    private static final int REQUESTS = 3_000;
    private static final int CLIENTS = 8;
    /** The classes a request is handled in: none of their frames may be on a stack once every answer is in. */
    private static final Set<String> HANDLERS = Stream.of(
                    HttpApi.class,
                    OrderRoutes.class,
                    ProductRoutes.class,
                    SeatRoutes.class,
                    CustomerFlagRoutes.class,
                    AnalyticsRoutes.class,
                    HealthRoutes.class,
                    RequestBodies.class)
            .map(Class::getName)
            .collect(Collectors.toUnmodifiableSet());
    /** Any answer (or the connection closed) within this, or the request hangs. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final String JETTY_POOL = "JettyServerThreadPool";

    private static InJvmPipeline pipeline;
    private static HttpApi http;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        pipeline = InJvmPipeline.start(1, 3, AdminAuth.of(TOKEN));
        http = pipeline.app(0).http();
        port = URI.create(pipeline.url(0)).getPort();
        await("the demo catalog served", () -> status(get("/products/book-kafka")) == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    @Order(1)
    void operatorRoutesNeedTheAdminToken() throws Exception {
        final String product = "{\"name\":\"Token lamp\",\"kind\":\"PHYSICAL\",\"price\":12.50,\"stock\":3}";
        for (final String authorization : new String[] {
            "",
            "Authorization: Bearer not-the-token\r\n",
            "Authorization: Basic " + TOKEN + "\r\n",
            "Authorization: " + TOKEN + "\r\n"
        }) {
            final RawHttp.Answer refused = exchange(request("PUT", "/products/denied-lamp", authorization, product));
            assertThat(refused.status()).as(authorization).isEqualTo(401);
            assertThat(refused.headers().get("www-authenticate")).startsWith("Bearer");
            assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized");
            assertThat(refused.text()).doesNotContain(TOKEN);
        }
        final String admin = "Authorization: Bearer " + TOKEN + "\r\n";
        assertThat(exchange(request("PUT", "/products/token-lamp", admin, product))
                        .status())
                .isEqualTo(202);
        await("the product stored", () -> status(get("/products/token-lamp")) == 200);
        assertThat(status(get("/products/denied-lamp")))
                .as("nothing written without the token")
                .isEqualTo(404);

        assertThat(exchange(request("PUT", "/customers/tok-c/flag", "", "{\"reason\":\"x\"}"))
                        .status())
                .isEqualTo(401);
        assertThat(exchange(request("DELETE", "/customers/tok-c/flag", "", "")).status())
                .isEqualTo(401);
        assertThat(exchange(request("GET", "/customers/tok-c/flag", "", "")).status())
                .isEqualTo(401);
        assertThat(exchange(request("PUT", "/customers/tok-c/flag", admin, "{\"reason\":\"x\"}"))
                        .status())
                .isEqualTo(202);
        await("the flag set", () -> status(request("GET", "/customers/tok-c/flag", admin, "")) == 200);
        assertThat(exchange(request("DELETE", "/customers/tok-c/flag", admin, ""))
                        .status())
                .isEqualTo(202);
        await("the flag cleared", () -> status(request("GET", "/customers/tok-c/flag", admin, "")) == 404);
    }

    @Test
    @Order(2)
    void jettysLimitsAndBrokenBodiesAnswer4xxInJson() throws Exception {
        final RawHttp.Answer bigHeader = exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(HttpLimits.MAX_HEADER_BYTES) + "\r\nConnection: close\r\n\r\n");
        assertError(bigHeader, 431, "request header fields too large");
        assertError(
                exchange("GET /" + "a".repeat(HttpLimits.MAX_HEADER_BYTES)
                        + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                414,
                "uri too long");
        assertError(exchange("GET /health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "bad request");
        assertError(exchange("GET /health\r\n\r\n"), 400, "bad request");

        // announced, never sent: refused at once instead of waiting for ten gigabytes
        final long started = System.nanoTime();
        assertError(
                exchange(
                        "POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000"
                                + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"),
                413,
                "body too large");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        final StringBuilder chunks = new StringBuilder();
        for (int i = 0; i <= HttpLimits.MAX_BODY_BYTES / 1024; i++) {
            chunks.append("400\r\n").append("1".repeat(1024)).append("\r\n");
        }
        assertError(
                exchange("POST /orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + chunks + "0\r\n\r\n"),
                413,
                "body too large");
        assertError(
                exchange("POST /orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + "zz\r\nabc\r\n0\r\n\r\n"),
                400,
                "malformed body");

        // values of the wrong type are refused, not converted
        final String order = "{\"customerId\":\"strict\",\"customerName\":\"Strict\",\"email\":\"strict@example.com\","
                + "\"items\":[{\"sku\":\"mug\",\"quantity\":1}],\"payment\":{\"card\":\"4242424242424242\"}}";
        assertError(
                exchange(request("POST", "/orders", "", order.replace("\"quantity\":1", "\"quantity\":1.5"))),
                400,
                "malformed JSON");
        assertError(
                exchange(request("POST", "/orders", "", order.replace("\"strict\"", "123"))), 400, "malformed JSON");
        assertError(
                exchange(request("POST", "/orders", "", order.replace("\"quantity\":1", "\"quantity\":\"1\""))),
                400,
                "malformed JSON");
        final RawHttp.Answer numericCard =
                exchange(request("POST", "/orders", "", order.replace("\"4242424242424242\"", "4242424242424242")));
        assertError(numericCard, 400, "malformed JSON");
        assertThat(numericCard.text())
                .as("a card number is never echoed")
                .doesNotContain("4242424242424242")
                .contains("<digits hidden>");
        assertError(
                exchange(request(
                        "PUT",
                        "/products/huge-price",
                        "Authorization: Bearer " + TOKEN + "\r\n",
                        "{\"name\":\"Huge\",\"kind\":\"DIGITAL\",\"price\":1e999999999}")),
                400,
                "invalid product");
    }

    /** HEAD runs the GET route and answers its status and headers without the body: an unknown key is 404 there too. */
    @Test
    @Order(2)
    void headAnswersWhatGetAnswersWithoutTheBody() throws Exception {
        for (final String target : List.of(
                "/products/book-kafka",
                "/products/no-such-product",
                "/orders/no-such-order",
                "/api/v1/seats/no-such-seat",
                "/health")) {
            final RawHttp.Answer get = exchange(get(target));
            final RawHttp.Answer head = exchange(request("HEAD", target, "", ""));
            assertThat(head.status()).as("HEAD %s", target).isEqualTo(get.status());
            assertThat(head.headers().get("content-type"))
                    .as("HEAD %s", target)
                    .isEqualTo(get.headers().get("content-type"));
            assertThat(head.body()).as("HEAD %s", target).isEmpty();
        }
        assertThat(exchange(get("/products/no-such-product")).status()).isEqualTo(404);
        assertThat(exchange(request("HEAD", "/customers/someone/flag", "", "")).status())
                .as("the admin token still needed")
                .isEqualTo(401);
    }

    /**
     * A client that announces a body just over the limit and goes on sending it (as HTTP clients
     * do, unless they ask to continue first) gets its 413 and keeps its connection: the server
     * reads the body it refuses. Closing instead, with the body still arriving, resets the
     * connection under the client's writes, and a client that fails on the write never reads
     * the answer.
     */
    @Test
    @Order(2)
    void aBodyALittleOverTheLimitIsReadAndRefusedAndTheConnectionServesTheNextRequest() throws Exception {
        final byte[] body = "x".repeat((int) HttpLimits.MAX_BODY_BYTES + 1).getBytes(StandardCharsets.ISO_8859_1);
        final String head = "POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        final List<RawHttp.Answer> answers;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            final OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // the server has seen the announced length and answered before the body follows
            Thread.sleep(500);
            final int part = 8 * 1024;
            for (int at = 0; at < body.length; at += part) {
                out.write(body, at, Math.min(part, body.length - at));
                out.flush();
                Thread.sleep(20);
            }
            out.write(get("/health").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            answers = RawHttp.parseAll(socket.getInputStream().readAllBytes());
        }
        assertThat(answers).hasSize(2);
        assertError(answers.get(0), 413, "body too large");
        assertThat(answers.get(1).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void slowClientsLoseTheirConnectionsAndPatientOnesAreServed() throws Exception {
        final ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            final Future<Duration> loris = clients.submit(() ->
                    untilClosed("GET /orders/o-1 HTTP/1.1\r\nHost: x\r\n", "X-Slow: a\r\n", Duration.ofSeconds(1)));
            final Future<Duration> stalledHead =
                    clients.submit(() -> untilClosed("GET /orders/o-1 HTTP/1.1\r\nHo", "", null));
            final Future<Duration> slowBody = clients.submit(() -> untilClosed(
                    "POST /orders HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{",
                    "\"aaaaaaaaa",
                    Duration.ofSeconds(1)));
            final Future<Duration> stalledBody = clients.submit(() -> untilClosed(
                    "POST /orders HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{",
                    "",
                    null));
            final Future<Duration> idle = clients.submit(() -> untilClosed("", "", null));
            final Future<RawHttp.Answer> longPoll =
                    clients.submit(() -> exchange(get("/orders/never-placed?waitMs=25000"), Duration.ofSeconds(60)));
            final Future<RawHttp.Answer> patient = clients.submit(
                    () -> inParts(request("POST", "/orders", "", "{\"customerId\":1}"), 5, Duration.ofSeconds(1)));

            final Duration timeout = HttpLimits.REQUEST_TIMEOUT;
            assertThat(loris.get(2, TimeUnit.MINUTES))
                    .as("a client trickling its headers")
                    .isBetween(timeout.minusSeconds(1), timeout.plusSeconds(10));
            assertThat(stalledHead.get(2, TimeUnit.MINUTES))
                    .as("a client that stopped halfway through its headers")
                    .isBetween(timeout.minusSeconds(1), timeout.plusSeconds(10));
            assertThat(slowBody.get(2, TimeUnit.MINUTES))
                    .as("a client trickling its body")
                    .isBetween(timeout.minusSeconds(1), timeout.plusSeconds(10));
            assertThat(idle.get(2, TimeUnit.MINUTES))
                    .as("a client that sends nothing")
                    .isBetween(HttpLimits.IDLE_TIMEOUT.minusSeconds(1), HttpLimits.IDLE_TIMEOUT.plusSeconds(10));
            assertThat(stalledBody.get(2, TimeUnit.MINUTES))
                    .as("a client that stopped halfway through its body")
                    .isBetween(HttpLimits.IDLE_TIMEOUT.minusSeconds(1), HttpLimits.IDLE_TIMEOUT.plusSeconds(10));
            await(
                    "the stalled body answered 408, not 500 with an error in the log",
                    () -> DescribedAnswers.answered(
                                    wrap(() -> exchange(get("/metrics"))).text())
                            .contains(new DescribedAnswers.Answer("POST", "/orders", 408)));
            assertThat(longPoll.get(2, TimeUnit.MINUTES).status())
                    .as("a long poll outlasting the request timeout")
                    .isEqualTo(404);
            final RawHttp.Answer patientAnswer = patient.get(2, TimeUnit.MINUTES);
            assertThat(patientAnswer.status())
                    .as("a slow client within the limit")
                    .isEqualTo(400);
            assertThat(patientAnswer.json().get("error").asText()).isEqualTo("malformed JSON");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void thousandsOfMalformedRequestsGetOnly4xxAndLeaveNothingBehind() throws Exception {
        final HostileRequests generator = new HostileRequests(SEED, TOKEN);
        final List<HostileRequests.Case> cases = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            cases.add(generator.next());
        }
        for (int i = 0; i < 5; i++) {
            exchange(cases.get(i).bytes());
        }
        await("warm-up connections closed", () -> http.openConnections() == 0);
        final long baseThreads = threadsOutsideJettysPool();

        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        final Map<String, Map<Integer, Integer>> seen = new TreeMap<>();
        final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        final long started = System.nanoTime();
        try {
            final List<Future<Void>> done = new ArrayList<>();
            for (final HostileRequests.Case request : cases) {
                done.add(clients.submit((Callable<Void>) () -> {
                    final String problem = check(request, seen);
                    if (problem != null) {
                        problems.add(request.kind() + " [" + request.head() + "]: " + problem);
                    }
                    return null;
                }));
            }
            for (final Future<Void> future : done) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        final Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(problems)
                .as("answers that are not a 4xx in JSON (of %d requests in %s; seen %s)", REQUESTS, took, seen)
                .isEmpty();
        assertThat(seen.keySet()).as("every kind of hostile request was sent").hasSizeGreaterThanOrEqualTo(19);
        await("every connection closed", () -> http.openConnections() == 0);
        await(
                "no request still being handled",
                () -> Thread.getAllStackTraces().values().stream()
                        .noneMatch(stack ->
                                List.of(stack).stream().anyMatch(frame -> HANDLERS.contains(frame.getClassName()))));
        await("threads back to " + baseThreads, () -> threadsOutsideJettysPool() <= baseThreads + 2);
        assertThat(status(get("/health"))).isEqualTo(200);
    }

    // ---- checks

    /** Null when the answer is what the request deserves, else what is wrong with it. */
    private static String check(final HostileRequests.Case request, final Map<String, Map<Integer, Integer>> seen) {
        final RawHttp.Answer answer;
        try {
            answer = RawHttp.exchange(port, request.bytes(), ANSWER_WITHIN);
        } catch (SocketTimeoutException e) {
            return "no answer within " + ANSWER_WITHIN;
        } catch (IOException e) {
            return "failed: " + e;
        }
        synchronized (seen) {
            seen.computeIfAbsent(request.kind(), kind -> new TreeMap<>()).merge(answer.status(), 1, Integer::sum);
        }
        if (answer.closed()) {
            return request.expect() == HostileRequests.Expect.JSON_4XX_OR_CLOSED ? null : "closed without an answer";
        }
        if (answer.status() < 400 || answer.status() >= 500) {
            return "answered " + answer;
        }
        if (request.head().startsWith("HEAD ")) {
            return null;
        }
        final JsonNode body = answer.json();
        if (body == null
                || !body.path("error").isTextual()
                || !body.path("details").isArray()
                || !String.valueOf(answer.headers().get("content-type")).startsWith("application/json")) {
            return "not a JSON error: " + answer;
        }
        return answer.text().contains("\tat ") || answer.text().contains("Exception")
                ? "a stack trace: " + answer
                : null;
    }

    private static void assertError(final RawHttp.Answer answer, final int status, final String error) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(answer.json().get("error").asText()).isEqualTo(error);
        assertThat(answer.json().get("details").isArray()).isTrue();
    }

    private static long threadsOutsideJettysPool() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !thread.getName().startsWith(JETTY_POOL))
                .count();
    }

    // ---- clients

    private static String get(final String target) {
        return request("GET", target, "", "");
    }

    private static String request(final String method, final String target, final String headers, final String body) {
        return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n"
                + (body.isEmpty()
                        ? ""
                        : "Content-Type: application/json\r\nContent-Length: "
                                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                + "\r\n" + body;
    }

    private static RawHttp.Answer exchange(final String request) throws IOException {
        return exchange(request, ANSWER_WITHIN);
    }

    private static RawHttp.Answer exchange(final String request, final Duration timeout) throws IOException {
        return RawHttp.exchange(port, request.getBytes(StandardCharsets.UTF_8), timeout);
    }

    private static RawHttp.Answer exchange(final byte[] request) throws IOException {
        return RawHttp.exchange(port, request, ANSWER_WITHIN);
    }

    private static int status(final String request) {
        return status(wrap(() -> exchange(request)));
    }

    private static int status(final RawHttp.Answer answer) {
        return answer.status();
    }

    /**
     * Sends {@code first}, then {@code more} every {@code every} (never, when null), until the
     * server closes the connection; how long that took.
     */
    private static Duration untilClosed(final String first, final String more, final Duration every)
            throws IOException {
        final long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(every == null ? 90_000 : (int) every.toMillis());
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            out.write(first.getBytes(StandardCharsets.ISO_8859_1));
            while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(90)) {
                try {
                    if (in.read() < 0) {
                        break;
                    }
                    // an answer: read on until the server closes
                } catch (SocketTimeoutException e) {
                    try {
                        out.write(more.getBytes(StandardCharsets.ISO_8859_1));
                    } catch (SocketException closed) {
                        break;
                    }
                } catch (SocketException reset) {
                    break;
                }
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Sends {@code request} in {@code parts}, one every {@code every}, and reads the answer. */
    private static RawHttp.Answer inParts(final String request, final int parts, final Duration every)
            throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            final byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
            final int size = (bytes.length + parts - 1) / parts;
            for (int at = 0; at < bytes.length; at += size) {
                socket.getOutputStream().write(bytes, at, Math.min(size, bytes.length - at));
                socket.getOutputStream().flush();
                Thread.sleep(every.toMillis());
            }
            return RawHttp.parse(socket.getInputStream().readAllBytes());
        }
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T wrap(final IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
