package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purchasepipeline.runtime.KafkaAvailability;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.RestoreProgress;
import io.purchasepipeline.runtime.TopicWriter;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.SeatOutcome;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call which route, over HTTP, with the endpoint on a free port and Kafka replaced by
 * fakes: orders and seat commands are written to a mock producer, and a seat command is answered
 * at once as the seat's owner task would. The query routes' store lookups are not reached here
 * (every request to them is refused first); reading another customer's order is in
 * {@code CustomerTokensOnBrokerTest}.
 */
class HttpAccessTest {

    private static final TestTokens PROVIDER = TestTokens.generate("shop");
    private static final TestTokens STRANGER = TestTokens.generate("stranger");
    private static final String ADMIN_TOKEN = "op-token-5c0ffee-9a1b";
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private static final String ORDER = "{\"customerName\":\"Alice\",\"email\":\"alice@example.com\","
            + "\"items\":[{\"sku\":\"book-kafka\",\"quantity\":1}],\"payment\":{\"card\":\"4242424242424242\"}}";

    private static CapturedLog log;
    /** Every token a test showed the endpoint: none may ever be in a log line. */
    private static final List<String> shown = new ArrayList<>();

    private FakeKafka kafka;
    private HttpApi api;
    private ApiMetrics metrics;

    @BeforeAll
    static void captureTheLog() {
        log = CapturedLog.start();
    }

    @AfterAll
    static void noTokenInAnyLogLine() {
        log.close();
        final List<String> lines = log.lines();
        assertThat(lines)
                .as("the capture saw the refusals, so it saw what the endpoint logs")
                .anyMatch(line -> line.contains("Refused a bearer token: the token has expired"));
        for (final String token : shown) {
            for (final String piece : token.split("\\.")) {
                if (piece.length() > 8) {
                    assertThat(lines).noneMatch(line -> line.contains(piece));
                }
            }
        }
        assertThat(lines).noneMatch(line -> line.contains(ADMIN_TOKEN));
    }

    @BeforeEach
    void fakeKafka() {
        kafka = new FakeKafka();
    }

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            DescribedAnswers.assertDescribed(metrics.scrape());
            api.close();
        }
        kafka.close();
    }

    @Test
    void everyCustomerRouteRefusesAMissingOrBadTokenWith401InJsonWithAChallenge() throws Exception {
        start(tokensOn());
        final Instant now = Instant.now();
        final Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("", null);
        bad.put("Bearer not.a.token", "the token is not a JWT");
        bad.put("Bearer " + impostor("alice"), "the token's signature does not verify with a configured key");
        bad.put("Bearer " + STRANGER.rs256("alice"), "the token is not signed RS256 or ES256 with a configured key");
        bad.put(
                "Bearer "
                        + show(PROVIDER.es256(TestTokens.claims("alice")
                                .expirationTime(Date.from(now.minus(Duration.ofMinutes(2))))
                                .build())),
                "the token has expired");
        bad.put(
                "Bearer "
                        + show(PROVIDER.rs256(TestTokens.claims("alice")
                                .audience("another-shop")
                                .build())),
                "the token is not for this audience");
        bad.put(
                "Bearer "
                        + show(PROVIDER.rs256(TestTokens.claims("alice")
                                .issuer("https://elsewhere.test")
                                .build())),
                "the token is not from the accepted issuer");

        for (final Map.Entry<String, String> token : bad.entrySet()) {
            final String authorization = token.getKey().isEmpty() ? "" : "Authorization: " + token.getKey() + "\r\n";
            for (final String route : List.of(
                    "POST /orders",
                    "GET /orders/o-1",
                    "GET /orders/o-1/events",
                    "POST /api/v1/seats/concert-A1/reservations",
                    "DELETE /api/v1/seats/concert-A1/reservations?user=alice")) {
                final String[] methodAndPath = route.split(" ");
                final RawHttp.Answer answer = exchange(request(
                        methodAndPath[0],
                        methodAndPath[1],
                        authorization,
                        methodAndPath[0].equals("POST") && methodAndPath[1].equals("/orders") ? ORDER : ""));
                assertThat(answer.status())
                        .as("%s with %s", route, token.getKey())
                        .isEqualTo(401);
                assertThat(answer.headers().get("content-type")).startsWith("application/json");
                assertThat(answer.json().get("error").asText()).isEqualTo("unauthorized");
                final String challenge = answer.headers().get("www-authenticate");
                if (token.getValue() == null) {
                    assertThat(challenge).isEqualTo("Bearer realm=\"purchase-pipeline\"");
                } else {
                    assertThat(challenge)
                            .isEqualTo("Bearer realm=\"purchase-pipeline\", error=\"invalid_token\", "
                                    + "error_description=\"" + token.getValue() + "\"");
                    assertThat(answer.json().get("details").get(0).asText()).isEqualTo(token.getValue());
                }
            }
        }
        assertThat(kafka.producer.history())
                .as("nothing written for a refused request")
                .isEmpty();
    }

    @Test
    void anOrderIsPlacedForTheTokensSubjectAndNeverForAnother() throws Exception {
        start(tokensOn());
        final String alice = "Authorization: Bearer " + show(PROVIDER.rs256("alice")) + "\r\n";

        final RawHttp.Answer filledIn = exchange(request("POST", "/orders", alice, ORDER));
        final RawHttp.Answer named = exchange(request("POST", "/orders", alice, withCustomer("alice")));
        final RawHttp.Answer another = exchange(request("POST", "/orders", alice, withCustomer("bob")));

        assertThat(filledIn.status()).as("%s", filledIn).isEqualTo(202);
        assertThat(named.status()).as("%s", named).isEqualTo(202);
        assertThat(another.status()).isEqualTo(403);
        assertThat(another.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(another.json().get("details").get(0).asText())
                .isEqualTo("customerId: an order can only be placed for the token's own subject");
        assertThat(kafka.orders()).extracting(Order::customerId).containsExactly("alice", "alice");
        assertThat(kafka.orders())
                .extracting(Order::orderId)
                .containsExactly(
                        filledIn.json().get("orderId").asText(),
                        named.json().get("orderId").asText());
    }

    @Test
    void theSeatRoutesActForTheTokensSubjectAndRefuseAnotherUser() throws Exception {
        start(tokensOn());
        final String alice = "Authorization: Bearer " + show(PROVIDER.es256("alice")) + "\r\n";

        final RawHttp.Answer reserved = exchange(request("POST", "/api/v1/seats/concert-A1/reservations", alice, ""));
        final RawHttp.Answer named =
                exchange(request("POST", "/api/v1/seats/concert-A2/reservations?user=alice", alice, ""));
        final RawHttp.Answer forBob =
                exchange(request("POST", "/api/v1/seats/concert-A3/reservations?user=bob", alice, ""));
        final RawHttp.Answer releaseBobs =
                exchange(request("DELETE", "/api/v1/seats/concert-A1/reservations?user=bob", alice, ""));
        final RawHttp.Answer released = exchange(request("DELETE", "/api/v1/seats/concert-A1/reservations", alice, ""));

        assertThat(reserved.status()).as("%s", reserved).isEqualTo(201);
        assertThat(reserved.json().get("reservedFor").asText()).isEqualTo("alice");
        assertThat(named.status()).isEqualTo(201);
        for (final RawHttp.Answer refused : List.of(forBob, releaseBobs)) {
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("details").get(0).asText())
                    .isEqualTo("user: a seat can only be reserved or released for the token's own subject");
        }
        assertThat(released.status()).isEqualTo(204);
        assertThat(kafka.seatCommands())
                .extracting(SeatCommand::seatId, SeatCommand::user, SeatCommand::action)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("concert-A1", "alice", SeatAction.RESERVE),
                        org.assertj.core.groups.Tuple.tuple("concert-A2", "alice", SeatAction.RESERVE),
                        org.assertj.core.groups.Tuple.tuple("concert-A1", "alice", SeatAction.RELEASE));
    }

    @Test
    void operatorRoutesTakeTheAdminTokenOrATokenWithTheAdminRole() throws Exception {
        start(tokensOn());
        final String product = "{\"name\":\"Lamp\",\"kind\":\"PHYSICAL\",\"price\":12.50,\"stock\":3}";
        final String admin = "Authorization: Bearer " + ADMIN_TOKEN + "\r\n";
        final String operator = "Authorization: Bearer "
                + show(PROVIDER.rs256(TestTokens.claims("ops-1")
                        .claim("roles", List.of("admin"))
                        .build())) + "\r\n";
        final String customer = "Authorization: Bearer " + show(PROVIDER.rs256("alice")) + "\r\n";

        assertThat(exchange(request("PUT", "/products/lamp", admin, product)).status())
                .isEqualTo(202);
        assertThat(exchange(request("PUT", "/products/lamp", operator, product)).status())
                .isEqualTo(202);
        assertThat(exchange(request("PUT", "/customers/mallory/flag", operator, ""))
                        .status())
                .isEqualTo(202);
        final RawHttp.Answer notAnOperator = exchange(request("PUT", "/products/lamp", customer, product));
        assertThat(notAnOperator.status()).isEqualTo(403);
        assertThat(notAnOperator.headers().get("www-authenticate"))
                .isEqualTo("Bearer realm=\"purchase-pipeline\", "
                        + "error=\"insufficient_scope\", error_description=\"this route needs the admin role\"");
        assertThat(exchange(request("PUT", "/products/lamp", "", product)).status())
                .isEqualTo(401);
        assertThat(exchange(request("DELETE", "/customers/mallory/flag", "Authorization: Bearer not-the-token\r\n", ""))
                        .status())
                .isEqualTo(401);
        assertThat(kafka.producer.history()).hasSize(3);
    }

    @Test
    void theLatestOrdersAreAnOperatorRouteAndThePageItselfIsOpenToAll() throws Exception {
        start(tokensOn());
        kafka.orderEvent(
                new OrderEvent("o-7-ab12", 1, OrderStatus.RESERVING, "holds asked", 1_765_000_000_000L, "c-7"));
        final String admin = "Authorization: Bearer " + ADMIN_TOKEN + "\r\n";
        final String operator = "Authorization: Bearer "
                + show(PROVIDER.rs256(TestTokens.claims("ops-2")
                        .claim("roles", List.of("admin"))
                        .build())) + "\r\n";
        final String customer = "Authorization: Bearer " + show(PROVIDER.rs256("alice")) + "\r\n";

        final RawHttp.Answer anonymous = exchange(request("GET", "/orders", "", ""));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(exchange(request("GET", "/orders", customer, "")).status())
                .as("a customer")
                .isEqualTo(403);
        assertThat(exchange(request("GET", "/orders", operator, "")).status())
                .as("the admin role")
                .isEqualTo(200);
        final long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
        RawHttp.Answer latest = exchange(request("GET", "/orders", admin, ""));
        while (latest.json().get("orders").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            latest = exchange(request("GET", "/orders", admin, ""));
        }
        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.json().get("orders").get(0).get("orderId").asText()).isEqualTo("o-7-ab12");
        assertThat(latest.json().get("orders").get(0).get("status").asText()).isEqualTo("RESERVING");
        assertThat(exchange(request("GET", "/orders?limit=0", admin, "")).status())
                .isEqualTo(400);
        assertThat(exchange(request("GET", "/orders?seconds=301", admin, "")).status())
                .isEqualTo(400);

        final RawHttp.Answer page = exchange(request("GET", "/", "", ""));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().get("content-type")).startsWith("text/html");
        assertThat(page.headers().get("content-security-policy"))
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'");
        assertThat(page.text()).contains("src=\"/operator/operator.js\"", "href=\"/operator/operator.css\"");
        final RawHttp.Answer script = exchange(request("GET", "/operator/operator.js", "", ""));
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.headers().get("content-type")).startsWith("text/javascript");
        assertThat(exchange(request("GET", "/operator/operator.css", "", ""))
                        .headers()
                        .get("content-type"))
                .startsWith("text/css");
        assertThat(exchange(request("GET", "/operator/elsewhere.js", "", "")).status())
                .isEqualTo(404);
    }

    @Test
    void withoutTokensTheCustomerRoutesTrustTheCallerAndSaySoOnceAtStart() throws Exception {
        final int before = warnings();
        start(HttpAccess.admin(AdminAuth.open()));

        assertThat(warnings() - before).isEqualTo(1);
        assertThat(exchange(request("POST", "/orders", "", withCustomer("zoe"))).status())
                .isEqualTo(202);
        assertThat(exchange(request("POST", "/api/v1/seats/concert-B1/reservations?user=yan", "", ""))
                        .status())
                .isEqualTo(201);
        assertThat(exchange(request("POST", "/api/v1/seats/concert-B1/reservations", "", ""))
                        .status())
                .as("no user")
                .isEqualTo(400);
        assertThat(exchange(request("PUT", "/customers/zoe/flag", "", "")).status())
                .as("no admin token: open")
                .isEqualTo(202);
        assertThat(kafka.orders()).extracting(Order::customerId).containsExactly("zoe");
        assertThat(kafka.seatCommands()).extracting(SeatCommand::user).containsExactly("yan");
    }

    @Test
    void eachClientAddressAndEachCustomerIsLimitedWith429AndRetryAfter() throws Exception {
        final AtomicLong clock = new AtomicLong();
        start(tokensOn().withLimits(ClientLimits.perSecond(1, 2, 100, clock::get)));
        final String alice = "Authorization: Bearer " + show(PROVIDER.rs256("alice")) + "\r\n";
        final String bob = "Authorization: Bearer " + show(PROVIDER.rs256("bob")) + "\r\n";
        final String seat = "/api/v1/seats/concert-C1/reservations";

        assertThat(exchangeFrom("127.0.0.1", request("POST", seat, alice, "")).status())
                .isEqualTo(201);
        assertThat(exchangeFrom("127.0.0.1", request("POST", "/orders", alice, ORDER))
                        .status())
                .isEqualTo(202);
        final RawHttp.Answer third = exchangeFrom("127.0.0.1", request("DELETE", seat, bob, ""));
        assertThat(third.status())
                .as("the address's share is spent, whoever asks")
                .isEqualTo(429);
        assertThat(third.headers().get("retry-after")).isEqualTo("1");
        assertThat(third.headers().get("content-type")).startsWith("application/json");
        assertThat(third.json().get("error").asText()).isEqualTo("too many requests");
        assertThat(third.json().get("details").get(0).asText())
                .isEqualTo("at most 1 request a second (bursts of 2) per client address on this route; retry in 1 s");

        final RawHttp.Answer aliceElsewhere = exchangeFrom("127.0.0.2", request("POST", seat, alice, ""));
        assertThat(aliceElsewhere.status())
                .as("alice's share is spent, from any address")
                .isEqualTo(429);
        assertThat(aliceElsewhere.json().get("details").get(0).asText()).contains("per customer");
        assertThat(exchangeFrom("127.0.0.2", request("POST", seat, bob, "")).status())
                .isEqualTo(201);
        assertThat(exchangeFrom("127.0.0.3", request("GET", "/health", alice, ""))
                        .status())
                .as("other routes are not limited")
                .isEqualTo(200);

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(exchangeFrom("127.0.0.1", request("POST", seat, alice, "")).status())
                .as("a second later")
                .isEqualTo(201);
    }

    // ---- the endpoint

    private static HttpAccess tokensOn() {
        return HttpAccess.admin(AdminAuth.of(ADMIN_TOKEN)).withCustomers(PROVIDER.verifier());
    }

    private void start(final HttpAccess access) throws IOException {
        final int port = LoopbackPorts.free(1).get(0);
        // the store lookups of the query routes are never reached in these tests: no queries to route
        api = new HttpApi(
                        new OrderSubmission(kafka.publisher, 5_000),
                        kafka.publisher,
                        kafka.seats,
                        new QueryRouter(null, Duration.ofSeconds(1)),
                        new OrderWaiters(),
                        new Probes(
                                () -> KafkaStreams.State.RUNNING,
                                new RestoreProgress(new SimpleMeterRegistry()),
                                KafkaAvailability.ASSUMED),
                        metrics = new ApiMetrics(),
                        access,
                        new OperatorPage(new OrderEventTail(kafka.events).start(), null))
                .start("127.0.0.1", port);
    }

    private static int warnings() {
        return (int) log.lines().stream()
                .filter(line -> line.contains("No customer tokens are verified"))
                .count();
    }

    private static String show(final String token) {
        shown.add(token);
        return token;
    }

    private static String impostor(final String subject) {
        final com.nimbusds.jose.jwk.RSAKey impostor = new com.nimbusds.jose.jwk.RSAKey.Builder(STRANGER.rsa)
                .keyID(PROVIDER.rsa.getKeyID())
                .build();
        return show(TestTokens.sign(
                com.nimbusds.jose.JWSAlgorithm.RS256,
                impostor,
                TestTokens.claims(subject).build()));
    }

    private static String withCustomer(final String customer) {
        return ORDER.replace("{\"customerName\"", "{\"customerId\":\"" + customer + "\",\"customerName\"");
    }

    private static String request(final String method, final String target, final String headers, final String body) {
        return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n"
                + (body.isEmpty()
                        ? ""
                        : "Content-Type: application/json\r\nContent-Length: "
                                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                + "\r\n" + body;
    }

    private RawHttp.Answer exchange(final String request) throws IOException {
        return RawHttp.exchange(api.port(), request.getBytes(StandardCharsets.UTF_8), ANSWER_WITHIN);
    }

    /** From another loopback address (all of 127/8 is this machine): another client to the endpoint. */
    private RawHttp.Answer exchangeFrom(final String address, final String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", api.port()), (int) ANSWER_WITHIN.toMillis());
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return RawHttp.parse(socket.getInputStream().readAllBytes());
        }
    }

    // ---- Kafka, faked

    /** A producer that keeps what it is sent, and answers each seat command at once, as the seat's owner task would. */
    private static final class FakeKafka implements AutoCloseable {

        private final PollingMockConsumer<String, SeatResult> results = new PollingMockConsumer<>();
        private final MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    private long offset;

                    @Override
                    public synchronized Future<RecordMetadata> send(
                            final ProducerRecord<byte[], byte[]> record, final Callback callback) {
                        final Future<RecordMetadata> sent = super.send(record, callback);
                        if (record.topic().equals(Topics.SEAT_RESERVATIONS.name())) {
                            final SeatCommand command = Topics.SEAT_RESERVATIONS
                                    .valueSerde()
                                    .deserializer()
                                    .deserialize(record.topic(), record.value());
                            final SeatOutcome outcome = command.action() == SeatAction.RESERVE
                                    ? SeatOutcome.RESERVED
                                    : SeatOutcome.RELEASED;
                            results.addRecord(new ConsumerRecord<>(
                                    Topics.SEAT_RESERVATION_RESULTS.name(),
                                    0,
                                    offset++,
                                    command.seatId(),
                                    new SeatResult(
                                            command.requestId(),
                                            command.seatId(),
                                            command.user(),
                                            outcome,
                                            outcome == SeatOutcome.RESERVED ? command.user() : null)));
                        }
                        return sent;
                    }
                };
        private final TopicWriter publisher = new TopicWriter(producer);
        private final SeatCommandSender seats;
        /** What the operator page's latest orders read: one partition of order-events. */
        private final PollingMockConsumer<byte[], byte[]> events = new PollingMockConsumer<>();

        private final TopicPartition eventsPartition = new TopicPartition(Topics.ORDER_EVENTS.name(), 0);
        private long eventOffset;

        FakeKafka() {
            events.updatePartitions(
                    eventsPartition.topic(), List.of(new PartitionInfo(eventsPartition.topic(), 0, null, null, null)));
            events.updateBeginningOffsets(Map.of(eventsPartition, 0L));
            events.updateEndOffsets(Map.of(eventsPartition, 0L));
            final TopicPartition partition = new TopicPartition(Topics.SEAT_RESERVATION_RESULTS.name(), 0);
            results.updatePartitions(
                    partition.topic(), List.of(new PartitionInfo(partition.topic(), 0, null, null, null)));
            results.updateEndOffsets(Map.of(partition, 0L));
            seats = new SeatCommandSender(publisher, results, Duration.ofSeconds(5), result -> {});
        }

        /** An order event on order-events, once the latest orders read its partition. */
        void orderEvent(final OrderEvent event) throws InterruptedException {
            final long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
            while (events.assignment().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            events.addRecord(new ConsumerRecord<>(
                    eventsPartition.topic(),
                    0,
                    eventOffset++,
                    event.orderId().getBytes(StandardCharsets.UTF_8),
                    Topics.ORDER_EVENTS.valueSerde().serializer().serialize(eventsPartition.topic(), event)));
        }

        List<Order> orders() {
            return producer.history().stream()
                    .filter(record -> record.topic().equals(Topics.ORDERS.name()))
                    .map(record ->
                            Topics.ORDERS.valueSerde().deserializer().deserialize(record.topic(), record.value()))
                    .toList();
        }

        List<SeatCommand> seatCommands() {
            return producer.history().stream()
                    .filter(record -> record.topic().equals(Topics.SEAT_RESERVATIONS.name()))
                    .map(record -> Topics.SEAT_RESERVATIONS
                            .valueSerde()
                            .deserializer()
                            .deserialize(record.topic(), record.value()))
                    .toList();
        }

        @Override
        public void close() throws InterruptedException {
            seats.close();
        }
    }
}
