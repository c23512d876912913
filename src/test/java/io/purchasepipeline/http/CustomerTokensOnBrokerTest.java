package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.serdes.JsonSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Customer tokens on two running instances sharing one real broker: a customer reads their own
 * order from either instance (one of them forwards the query, token and all, to the owner), and
 * another customer's order is not there for anyone else; a seat reserved by one customer cannot
 * be released by another. An operator reads any customer's order.
 */
class CustomerTokensOnBrokerTest {

    private static final TestTokens PROVIDER = TestTokens.generate("shop");
    private static final String ADMIN_TOKEN = "tokens-on-broker-admin-3c1d";
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static InJvmPipeline pipeline;
    private static List<String> urls;

    @BeforeAll
    static void start() throws Exception {
        pipeline = InJvmPipeline.start(
                2, 4, HttpAccess.admin(AdminAuth.of(ADMIN_TOKEN)).withCustomers(PROVIDER.verifier()));
        urls = pipeline.urls();
        // both instances running, the demo catalog's seats served
        for (int instance = 0; instance < 2; instance++) {
            final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (send(instance, "GET", "/api/v1/seats/concert-A2", null, "").statusCode() != 200
                    || send(instance, "GET", "/health", null, "").statusCode() != 200) {
                assertThat(System.nanoTime())
                        .as("instance %d serving", instance)
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    void aCustomerSeesOnlyTheirOwnOrdersFromEveryInstance() throws Exception {
        final String alice = PROVIDER.rs256("alice");
        final String bob = PROVIDER.es256("bob");
        final HttpResponse<String> placed = send(
                0,
                "POST",
                "/orders",
                alice,
                "{\"customerName\":\"Alice\",\"email\":"
                        + "\"alice@example.com\",\"items\":[{\"sku\":\"mug\",\"quantity\":1}],\"payment\":{\"card\":\""
                        + PaymentSimulator.APPROVED_CARD + "\"}}");
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        final String orderId = json(placed).get("orderId").asText();

        for (int instance = 0; instance < 2; instance++) {
            final HttpResponse<String> own = send(instance, "GET", "/orders/" + orderId + "?waitMs=30000", alice, "");
            assertThat(own.statusCode())
                    .as("instance %d: %s", instance, own.body())
                    .isEqualTo(200);
            assertThat(json(own).get("customerId").asText()).isEqualTo("alice");
            assertThat(json(own).get("status").asText()).isEqualTo("COMPLETED");
            assertThat(send(instance, "GET", "/orders/" + orderId + "/events", alice, "")
                            .statusCode())
                    .isEqualTo(200);

            for (final String path : List.of(
                    "/orders/" + orderId, "/orders/" + orderId + "/events", "/orders/" + orderId + "?waitMs=300")) {
                final HttpResponse<String> others = send(instance, "GET", path, bob, "");
                assertThat(others.statusCode())
                        .as("instance %d, %s", instance, path)
                        .isEqualTo(404);
                assertThat(others.body())
                        .as("exactly what an order that does not exist answers")
                        .isEqualTo(send(instance, "GET", path.replace(orderId, "no-such-order"), bob, "")
                                .body()
                                .replace("no-such-order", orderId));
            }
            assertThat(send(instance, "GET", "/orders/" + orderId, null, "").statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void anOperatorReadsAnyCustomersOrderAndItsTrailFromEveryInstance() throws Exception {
        final String carol = PROVIDER.rs256("carol");
        final String operator = PROVIDER.rs256(
                TestTokens.claims("ops-1").claim("roles", List.of("admin")).build());
        final HttpResponse<String> placed = send(
                1,
                "POST",
                "/orders",
                carol,
                "{\"customerName\":\"Carol\",\"email\":"
                        + "\"carol@example.com\",\"items\":[{\"sku\":\"mug\",\"quantity\":1}],\"payment\":{\"card\":\""
                        + PaymentSimulator.APPROVED_CARD + "\"}}");
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        final String orderId = json(placed).get("orderId").asText();
        assertThat(json(send(0, "GET", "/orders/" + orderId + "?waitMs=30000", carol, ""))
                        .get("status")
                        .asText())
                .isEqualTo("COMPLETED");

        for (int instance = 0; instance < 2; instance++) {
            for (final String token : List.of(ADMIN_TOKEN, operator)) {
                final HttpResponse<String> order = send(instance, "GET", "/orders/" + orderId, token, "");
                assertThat(order.statusCode())
                        .as("instance %d: %s", instance, order.body())
                        .isEqualTo(200);
                assertThat(json(order).get("customerId").asText()).isEqualTo("carol");
                final HttpResponse<String> trail = send(instance, "GET", "/orders/" + orderId + "/events", token, "");
                assertThat(trail.statusCode()).isEqualTo(200);
                assertThat(json(trail).findValuesAsText("status")).endsWith("COMPLETED");
            }
            assertThat(send(instance, "GET", "/orders/" + orderId, "not-the-admin-token", "")
                            .statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void aSeatReservedByOneCustomerCannotBeReleasedByAnother() throws Exception {
        final String alice = PROVIDER.rs256("alice");
        final String bob = PROVIDER.rs256("bob");
        final String seat = "/api/v1/seats/concert-A2/reservations";

        final HttpResponse<String> reserved = send(0, "POST", seat, alice, "");
        assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
        assertThat(json(reserved).get("reservedFor").asText()).isEqualTo("alice");

        assertThat(send(1, "DELETE", seat + "?user=alice", bob, "").statusCode())
                .as("bob naming alice")
                .isEqualTo(403);
        assertThat(send(1, "DELETE", seat, bob, "").statusCode())
                .as("bob as himself")
                .isEqualTo(409);
        assertThat(send(1, "DELETE", seat + "?user=alice", null, "").statusCode())
                .as("no token")
                .isEqualTo(401);
        assertThat(send(1, "DELETE", seat, alice, "").statusCode()).isEqualTo(204);
    }

    private static HttpResponse<String> send(
            final int instance, final String method, final String path, final String token, final String body)
            throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.get(instance) + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final HttpResponse<String> response) throws Exception {
        return JsonSerde.MAPPER.readTree(response.body());
    }
}
