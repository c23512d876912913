package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.instance.PipelineApp;
import io.purchasepipeline.runtime.DemoCatalog;
import io.purchasepipeline.serdes.JsonSerde;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Every route of the contract against three running instances sharing one real broker. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpOnBrokerTest {

    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final String CARD = io.purchasepipeline.payment.PaymentSimulator.APPROVED_CARD;

    private static InJvmPipeline pipeline;
    private static List<PipelineApp> apps;
    private static List<String> urls;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        pipeline = InJvmPipeline.start(3, 6);
        apps = List.of(pipeline.app(0), pipeline.app(1), pipeline.app(2));
        urls = pipeline.urls();
        awaitStatus(0, "/products/book-kafka", 200);
        awaitStatus(2, "/api/v1/seats/concert-A9", 200);
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    @Order(1)
    void placesAnOrderAndAnyInstanceAnswersForIt() throws Exception {
        final HttpResponse<String> placed =
                post(0, "/orders", order("alice", "book-streams", 2), Map.of("X-Correlation-Id", "checkout-7"));

        assertThat(placed.statusCode()).isEqualTo(202);
        assertThat(placed.headers().firstValue("X-Correlation-Id")).hasValue("checkout-7");
        final String orderId = json(placed).get("orderId").asText();
        assertThat(json(placed).get("status").asText()).isEqualTo("PENDING");
        assertThat(placed.headers().firstValue("Location")).hasValue("/orders/" + orderId);

        final HttpResponse<String> done = get(1, "/orders/" + orderId + "?waitMs=20000");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(json(done).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json(done).get("total").decimalValue()).isEqualByComparingTo("79.80");

        final HttpResponse<String> events = get(2, "/orders/" + orderId + "/events");
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(json(events).findValuesAsText("status")).containsExactly("RESERVING", "COMPLETED");
        assertThat(json(events).findValuesAsText("correlationId"))
                .containsOnly("checkout-7")
                .hasSize(2);
    }

    @Test
    @Order(2)
    void sameIdempotencyKeyOnTwoInstancesIsOneOrder() throws Exception {
        putProduct(0, "idem-book", "{\"name\":\"Idem\",\"kind\":\"PHYSICAL\",\"price\":10.00,\"stock\":10}");
        awaitStatus(1, "/products/idem-book", 200);

        final HttpResponse<String> first =
                post(0, "/orders", order("bob", "idem-book", 3), Map.of("Idempotency-Key", "cart-42"));
        final HttpResponse<String> retry =
                post(1, "/orders", order("bob", "idem-book", 3), Map.of("Idempotency-Key", "cart-42"));
        final HttpResponse<String> other =
                post(2, "/orders", order("carol", "idem-book", 1), Map.of("Idempotency-Key", "cart-42"));

        final String orderId = json(first).get("orderId").asText();
        assertThat(json(retry).get("orderId").asText()).isEqualTo(orderId);
        assertThat(json(other).get("orderId").asText())
                .as("another customer's key")
                .isNotEqualTo(orderId);
        assertThat(json(get(2, "/orders/" + orderId + "?waitMs=20000"))
                        .get("status")
                        .asText())
                .isEqualTo("COMPLETED");
        get(0, "/orders/" + json(other).get("orderId").asText() + "?waitMs=20000");
        assertThat(json(get(1, "/orders/" + orderId + "/events")).findValuesAsText("status"))
                .containsOnlyOnce("RESERVING");
        // the sale is confirmed on the SKU's partition just after the order completes
        awaitJson(
                0,
                "/products/idem-book",
                product ->
                        product.get("sold").asLong() == 4 && product.get("held").asLong() == 0);
    }

    @Test
    @Order(2)
    void aDeclinedTestCardIsDeclinedThoughOnlyItsMaskTravels() throws Exception {
        final HttpResponse<String> placed = post(
                0,
                "/orders",
                order("frank", "mug", 1).replace(CARD, io.purchasepipeline.payment.PaymentSimulator.DECLINED_CARD),
                Map.of());

        final JsonNode done =
                json(get(1, "/orders/" + json(placed).get("orderId").asText() + "?waitMs=20000"));
        assertThat(done.get("status").asText()).isEqualTo("PAYMENT_DECLINED");
        assertThat(done.toString()).doesNotContain(io.purchasepipeline.payment.PaymentSimulator.DECLINED_CARD);
    }

    @Test
    @Order(3)
    void refusesBadOrdersWithTheReasons() throws Exception {
        final HttpResponse<String> empty = post(0, "/orders", "{}", Map.of());
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(json(empty).get("error").asText()).isEqualTo("invalid order");
        assertThat(json(empty).get("details").toString()).contains("customerId", "email", "items", "payment.card");

        final HttpResponse<String> badCard =
                post(0, "/orders", order("alice", "book-streams", 1).replace(CARD, "4242424242424241"), Map.of());
        assertThat(badCard.statusCode()).isEqualTo(400);
        assertThat(json(badCard).get("details").toString()).contains("payment.card");

        final HttpResponse<String> wrongType = post(
                1,
                "/orders",
                order("alice", "book-streams", 1).replace("\"quantity\":1", "\"quantity\":\"many\""),
                Map.of());
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(post(1, "/orders", "[1,2]", Map.of()).statusCode()).isEqualTo(400);
        assertThat(post(1, "/orders", order("alice", "book-streams", 0), Map.of())
                        .statusCode())
                .isEqualTo(400);
        assertThat(post(1, "/orders", order("alice", "bad sku!", 1), Map.of()).statusCode())
                .isEqualTo(400);
    }

    @Test
    @Order(4)
    void unknownOrdersAreNotFound() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get(i, "/orders/no-such-order").statusCode()).isEqualTo(404);
            assertThat(get(i, "/orders/no-such-order/events").statusCode()).isEqualTo(404);
        }
        assertThat(get(0, "/orders/x?waitMs=-1").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(5)
    void definesProductsAndAnswersTheirStock() throws Exception {
        assertThat(putProduct(1, "lamp-7", "{\"name\":\"Lamp\",\"kind\":\"PHYSICAL\",\"price\":30.50,\"stock\":4}")
                        .statusCode())
                .isEqualTo(202);
        awaitStatus(2, "/products/lamp-7", 200);

        final JsonNode lamp = json(get(0, "/products/lamp-7"));
        assertThat(lamp.get("sku").asText()).isEqualTo("lamp-7");
        assertThat(lamp.get("kind").asText()).isEqualTo("PHYSICAL");
        assertThat(List.of(
                        lamp.get("available").asLong(),
                        lamp.get("held").asLong(),
                        lamp.get("sold").asLong()))
                .containsExactly(4L, 0L, 0L);
        assertThat(putProduct(0, "lamp-8", "{\"name\":\"Lamp\",\"kind\":\"LAMP\",\"price\":1}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(putProduct(0, "lamp-8", "{\"name\":\"Lamp\",\"kind\":\"PHYSICAL\",\"price\":1,\"stock\":-1}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(putProduct(0, "lamp-8", "{\"name\":\"\",\"kind\":\"PHYSICAL\",\"price\":-1,\"stock\":1}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(get(1, "/products/no-such-sku").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(6)
    void seatsFollowTheReservationSemantics() throws Exception {
        final String seat = "/api/v1/seats/concert-A2";
        assertThat(json(get(0, seat)).get("reserved").asBoolean()).isFalse();

        final HttpResponse<String> reserved = post(1, seat + "/reservations?user=dave", "", Map.of());
        assertThat(reserved.statusCode()).isEqualTo(201);
        assertThat(json(reserved).get("reservedFor").asText()).isEqualTo("dave");
        assertThat(post(2, seat + "/reservations?user=erin", "", Map.of()).statusCode())
                .isEqualTo(422);
        assertThat(json(get(0, seat)).get("reservedFor").asText()).isEqualTo("dave");
        assertThat(delete(0, seat + "/reservations?user=erin").statusCode()).isEqualTo(409);
        assertThat(delete(2, seat + "/reservations?user=dave").statusCode()).isEqualTo(204);
        assertThat(delete(1, seat + "/reservations?user=dave").statusCode()).isEqualTo(404);
        assertThat(post(0, "/api/v1/seats/no-such-seat/reservations?user=dave", "", Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(delete(0, "/api/v1/seats/no-such-seat/reservations?user=dave")
                        .statusCode())
                .isEqualTo(404);
        assertThat(post(0, seat + "/reservations", "", Map.of()).statusCode()).isEqualTo(400);
        assertThat(get(1, "/api/v1/seats/no-such-seat").statusCode()).isEqualTo(404);
        assertThat(get(1, "/api/v1/seats/book-kafka").statusCode())
                .as("a product that is not a seat")
                .isEqualTo(404);
    }

    @Test
    @Order(6)
    void anOperatorFlagsACustomerAndClearsTheFlag() throws Exception {
        final HttpResponse<String> flagged =
                send(HttpRequest.newBuilder(URI.create(urls.get(0) + "/customers/zed/flag"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"reason\":\"chargeback on order 17\"}")));
        assertThat(flagged.statusCode()).isEqualTo(202);
        assertThat(flagged.headers().firstValue("Location")).hasValue("/customers/zed/flag");
        assertThat(json(flagged).get("action").asText()).isEqualTo("FLAG");
        // every instance answers, the owner's store through forwarding
        for (int i = 0; i < 3; i++) {
            awaitJson(
                    i,
                    "/customers/zed/flag",
                    flag -> flag.get("flagged").asBoolean()
                            && flag.get("reason").asText().equals("chargeback on order 17"));
        }
        final String rejected = json(post(1, "/orders", order("zed", "mug", 1), Map.of()))
                .get("orderId")
                .asText();
        final JsonNode rejectedOrder = json(get(2, "/orders/" + rejected + "?waitMs=20000"));
        assertThat(rejectedOrder.get("status").asText()).isEqualTo("REJECTED_FRAUD");
        assertThat(rejectedOrder.get("fraudReasons").toString()).isEqualTo("[\"FLAGGED_CUSTOMER\"]");

        assertThat(delete(2, "/customers/zed/flag").statusCode()).isEqualTo(202);
        awaitStatus(0, "/customers/zed/flag", 404);
        final String accepted = json(post(1, "/orders", order("zed", "mug", 1), Map.of()))
                .get("orderId")
                .asText();
        assertThat(json(get(0, "/orders/" + accepted + "?waitMs=20000"))
                        .get("status")
                        .asText())
                .isEqualTo("COMPLETED");
    }

    @Test
    @Order(6)
    void refusesBadFlagRequests() throws Exception {
        final HttpResponse<String> badId =
                send(HttpRequest.newBuilder(URI.create(urls.get(0) + "/customers/bad%20id/flag"))
                        .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(json(badId).get("error").asText()).isEqualTo("invalid flag");
        assertThat(json(badId).get("details").toString()).contains("id: 1 to 64");
        final HttpResponse<String> longReason =
                send(HttpRequest.newBuilder(URI.create(urls.get(1) + "/customers/yan/flag"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"reason\":\"" + "x".repeat(201) + "\"}")));
        assertThat(longReason.statusCode()).isEqualTo(400);
        assertThat(json(longReason).get("details").toString()).contains("reason");
        final HttpResponse<String> malformed =
                send(HttpRequest.newBuilder(URI.create(urls.get(1) + "/customers/yan/flag"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"reason\":")));
        assertThat(malformed.statusCode()).isEqualTo(400);
        final HttpResponse<String> badDelete = delete(2, "/customers/bad%20id/flag");
        assertThat(badDelete.statusCode()).isEqualTo(400);
        assertThat(json(badDelete).get("error").asText()).isEqualTo("invalid customer id");
        assertThat(get(2, "/customers/never-flagged/flag").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void twoHundredConcurrentRequestsForOneSeatOverThreeInstancesHaveOneWinner() throws Exception {
        putProduct(0, "storm-seat", "{\"name\":\"Storm\",\"kind\":\"SEAT\",\"price\":99.00}");
        awaitStatus(1, "/api/v1/seats/storm-seat", 200);
        final ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            final List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                final int instance = i % 3;
                final String user = "fan-" + i;
                answers.add(pool.submit((Callable<Integer>)
                        () -> post(instance, "/api/v1/seats/storm-seat/reservations?user=" + user, "", Map.of())
                                .statusCode()));
            }
            final List<Integer> codes = new ArrayList<>();
            for (final Future<Integer> answer : answers) {
                codes.add(answer.get());
            }
            assertThat(codes).filteredOn(code -> code == 201).hasSize(1);
            assertThat(codes).filteredOn(code -> code == 422).hasSize(199);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(8)
    void answersAKeyOwnedByAnotherInstance() throws Exception {
        final List<String> answeredBy = new ArrayList<>();
        for (final var product : DemoCatalog.products()) {
            final HttpResponse<String> answer = get(0, "/products/" + product.sku());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(json(answer).get("sku").asText()).isEqualTo(product.sku());
            answer.headers().firstValue("X-Answered-By").ifPresent(answeredBy::add);
        }
        assertThat(answeredBy)
                .as("answers forwarded from the owners")
                .isNotEmpty()
                .allSatisfy(host -> assertThat(urls).contains("http://" + host));
    }

    @Test
    @Order(8)
    void anyInstanceListsTheCatalogWithEachOwnersStock() throws Exception {
        final List<String> demo = DemoCatalog.products().stream()
                .map(product -> product.sku())
                .sorted()
                .toList();
        for (int i = 0; i < 3; i++) {
            final JsonNode page = json(get(i, "/products?limit=200"));
            assertThat(page.get("unavailable")).as("every owner answered").isEmpty();
            final List<String> skus = page.get("products").findValuesAsText("sku");
            assertThat(skus).as("in SKU order").isSorted().containsAll(demo);
            // the counts are the owners': each SKU as its own route answers it
            for (final JsonNode listed : page.get("products")) {
                final JsonNode alone =
                        json(get(i, "/products/" + listed.get("sku").asText()));
                assertThat(listed).as(listed.get("sku").asText()).isEqualTo(alone);
            }
        }

        final JsonNode first = json(get(1, "/products?limit=2"));
        assertThat(first.get("products")).hasSize(2);
        final String next = first.get("next").asText();
        assertThat(next).isEqualTo(first.get("products").get(1).get("sku").asText());
        final JsonNode second = json(get(2, "/products?limit=2&after=" + next));
        assertThat(second.get("products").get(0).get("sku").asText()).isGreaterThan(next);

        final JsonNode seats = json(get(0, "/products?kind=SEAT&limit=200")).get("products");
        assertThat(seats.findValuesAsText("kind")).containsOnly("SEAT");
        assertThat(seats.findValuesAsText("sku"))
                .containsAll(DemoCatalog.products().stream()
                        .filter(product -> product.kind() == io.purchasepipeline.serdes.ProductKind.SEAT)
                        .map(product -> product.sku())
                        .toList());
        assertThat(json(get(0, "/products?kind=PHYSICAL,DIGITAL&prefix=book-"))
                        .get("products")
                        .findValuesAsText("sku"))
                .containsExactly("book-kafka", "book-streams");
        assertThat(json(get(2, "/products?sku=mug&sku=book-kafka&sku=no-such-sku"))
                        .get("products")
                        .findValuesAsText("sku"))
                .as("in the order asked; an unknown SKU left out")
                .containsExactly("mug", "book-kafka");

        for (final String bad : List.of(
                "limit=0", "limit=201", "limit=x", "kind=CHAIR", "prefix=a%20b", "after=%2e%2e%2f", "sku=bad%20sku")) {
            final HttpResponse<String> refused = get(0, "/products?" + bad);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(refused).get("error").asText()).as(bad).startsWith("invalid");
        }
    }

    @Test
    @Order(8)
    void anyInstanceListsTheLatestOrdersAndTheirEndsPerSecond() throws Exception {
        final HttpResponse<String> placed = post(2, "/orders", order("latest-lee", "mug", 1), Map.of());
        final String orderId = json(placed).get("orderId").asText();
        assertThat(json(get(0, "/orders/" + orderId + "?waitMs=20000"))
                        .get("status")
                        .asText())
                .isEqualTo("COMPLETED");

        for (int i = 0; i < 3; i++) {
            // the tail follows order-events: a poll's lag behind the order's own store
            awaitJson(
                    i,
                    "/orders?limit=100",
                    latest -> latest.get("orders").findParents("orderId").stream()
                            .anyMatch(order -> order.get("orderId").asText().equals(orderId)
                                    && order.get("status").asText().equals("COMPLETED")));
            final JsonNode latest = json(get(i, "/orders?limit=100&seconds=300"));
            final JsonNode mine = latest.get("orders").findParents("orderId").stream()
                    .filter(order -> order.get("orderId").asText().equals(orderId))
                    .findFirst()
                    .orElseThrow();
            assertThat(mine.get("status").asText()).isEqualTo("COMPLETED");
            final JsonNode ended = latest.get("endedPerSecond");
            assertThat(ended.get("seconds").asInt()).isEqualTo(300);
            assertThat(ended.get("counts").get("COMPLETED")).hasSize(300);
            long completed = 0;
            for (final JsonNode second : ended.get("counts").get("COMPLETED")) {
                completed += second.asLong();
            }
            assertThat(completed)
                    .as("instance " + i + " saw the completions of the last five minutes")
                    .isGreaterThanOrEqualTo(1);
        }
        assertThat(get(0, "/orders?limit=101").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(9)
    void refusesWhatTheContractRefuses() throws Exception {
        final HttpResponse<String> unknown = get(0, "/no/such/route");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).isEqualTo("not found");
        final HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(URI.create(urls.get(0) + "/orders"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(json(wrongMethod).get("error").asText()).isEqualTo("method not allowed");
        final HttpResponse<String> malformed = post(1, "/orders", "{\"customerId\":", Map.of());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("error").asText()).isEqualTo("malformed JSON");
        final HttpResponse<String> huge = post(2, "/orders", "x".repeat((int) HttpLimits.MAX_BODY_BYTES + 1), Map.of());
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(json(huge).get("error").asText()).isEqualTo("body too large");
        assertThat(List.of(unknown, wrongMethod, malformed, huge))
                .allSatisfy(answer -> assertThat(answer.body()).doesNotContain("Exception", "\tat "));
    }

    @Test
    @Order(11)
    void reportsHealthAndMetrics() throws Exception {
        for (int i = 0; i < 3; i++) {
            final HttpResponse<String> health = get(i, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(json(health).get("status").asText()).isEqualTo("RUNNING");
            assertThat(get(i, "/health/live").statusCode()).isEqualTo(200);
            // the restore listener is registered: every restore it saw has ended
            awaitJson(
                    i,
                    "/health/ready",
                    ready -> ready.get("ready").asBoolean()
                            && ready.get("restoring").isEmpty());
        }
        final List<String> metrics = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final HttpResponse<String> scrape = get(i, "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(scrape.body())
                    .contains(
                            "kafka_stream_",
                            "pipeline_restore_records_remaining 0.0",
                            "http_server_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"}");
            metrics.add(scrape.body());
        }
        // where a hop's time goes: end-to-end latency per task (its sub-topology is the task id's first
        // number) at the nodes records enter and leave, and the stream threads' commits; a task's metrics
        // are found a few seconds after it is assigned
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String scrape = get(0, "/metrics").body();
        while (!scrape.contains("kafka_stream_processor_node_record_e2e_latency_avg{")
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
            scrape = get(0, "/metrics").body();
        }
        assertThat(scrape)
                .contains(
                        "kafka_stream_processor_node_record_e2e_latency_avg{",
                        "processor_node_id=\"orders-source\"",
                        "kafka_stream_thread_commit_latency_avg{");
        // each instance counts the orders and seat answers its own tasks decided
        assertThat(String.join("\n", metrics))
                .contains(
                        "pipeline_orders_ended_total{status=\"COMPLETED\"}",
                        "pipeline_seat_reservations_total{outcome=\"RESERVED\"}");
    }

    @Test
    @Order(10)
    void anyInstanceAnswersTheCurrentAnalytics() throws Exception {
        for (int i = 0; i < 3; i++) {
            awaitJson(
                    i,
                    "/analytics",
                    snapshot -> snapshot.has("current")
                            && snapshot.get("current").get("orders").asLong() > 0
                            && snapshot.has("baselines")
                            && snapshot.has("activeAlerts"));
        }
        assertThat(get(0, "/metrics").body())
                .contains(
                        "pipeline_analytics_rate{metric=\"fraud_rate\"}",
                        "pipeline_analytics_baseline{metric=\"payment_approval_rate\"}");
    }

    @Test
    @Order(12)
    void answersOrRefusesWithinItsBoundWhileTheGroupRebalances() throws Exception {
        final PipelineApp leaving = apps.get(2);
        leaving.streams().close(Duration.ofSeconds(30));

        final HttpResponse<String> health = get(2, "/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(get(2, "/health/live").statusCode())
                .as("a closed streams app makes no progress")
                .isEqualTo(503);
        assertThat(get(2, "/health/ready").statusCode()).isEqualTo(503);
        for (final var product : DemoCatalog.products()) {
            final long started = System.nanoTime();
            final HttpResponse<String> answer = get(0, "/products/" + product.sku());
            final Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(answer.statusCode())
                    .as("%s: %s %s", product.sku(), answer.headers().map(), answer.body())
                    .isIn(200, 503);
            if (answer.statusCode() == 503) {
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(leaving.streams().state()).isIn(KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_SHUTDOWN);
    }

    // ---- helpers

    private static String order(final String customer, final String sku, final int quantity) {
        return """
                {"customerId":"%s","customerName":"Customer %s","email":"%s@example.com",
                 "items":[{"sku":"%s","quantity":%d}],"payment":{"card":"%s"}}""".formatted(customer, customer, customer, sku, quantity, CARD);
    }

    private static HttpResponse<String> putProduct(final int instance, final String sku, final String body)
            throws Exception {
        return send(HttpRequest.newBuilder(URI.create(urls.get(instance) + "/products/" + sku))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> post(
            final int instance, final String path, final String body, final Map<String, String> headers)
            throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.get(instance) + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    private static HttpResponse<String> get(final int instance, final String path) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(urls.get(instance) + path)).GET());
    }

    private static HttpResponse<String> delete(final int instance, final String path) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(urls.get(instance) + path)).DELETE());
    }

    private static HttpResponse<String> send(final HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final HttpResponse<String> response) throws IOException {
        return JsonSerde.MAPPER.readTree(response.body());
    }

    /** Waits, bounded, until a route answers {@code status} (a definition has reached its store). */
    private static void awaitStatus(final int instance, final String path, final int status) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = get(instance, path).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(last).as("status of " + path).isEqualTo(status);
    }

    private static void awaitJson(
            final int instance, final String path, final java.util.function.Predicate<JsonNode> done) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            final HttpResponse<String> answer = get(instance, path);
            last = answer.body();
            if (answer.statusCode() == 200 && done.test(json(answer))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " never matched; last answer: " + last);
    }
}
