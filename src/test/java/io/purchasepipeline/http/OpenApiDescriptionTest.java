package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purchasepipeline.runtime.KafkaAvailability;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.RestoreProgress;
import io.purchasepipeline.serdes.Alert;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import io.purchasepipeline.stores.WindowCounts;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} against the server that serves it: a valid OpenAPI 3.1 document (read
 * by swagger-parser), describing exactly the routes the server's router has, with the statuses
 * SPEC.md names, JSON error bodies, {@code Retry-After} where a client is told to come back, and the
 * security each route really enforces.
 */
class OpenApiDescriptionTest {

    private static final String ADMIN_TOKEN = "openapi-test-admin-token";
    /** SPEC.md's HTTP table (and issue 22's refusals of tokens and floods): the statuses each route must describe. */
    private static final Map<String, Set<String>> SPEC_STATUSES = new LinkedHashMap<>();

    static {
        SPEC_STATUSES.put("POST /orders", Set.of("202", "400", "401", "403", "413", "429", "503"));
        SPEC_STATUSES.put("GET /orders/{id}", Set.of("200", "400", "401", "404", "503"));
        SPEC_STATUSES.put("GET /orders/{id}/events", Set.of("200", "401", "404", "503"));
        SPEC_STATUSES.put("PUT /products/{sku}", Set.of("202", "400", "401", "403", "413", "503"));
        SPEC_STATUSES.put("GET /products/{sku}", Set.of("200", "404", "503"));
        SPEC_STATUSES.put(
                "POST /api/v1/seats/{id}/reservations", Set.of("201", "400", "401", "403", "404", "422", "429", "503"));
        SPEC_STATUSES.put(
                "DELETE /api/v1/seats/{id}/reservations",
                Set.of("204", "400", "401", "403", "404", "409", "429", "503"));
        SPEC_STATUSES.put("GET /api/v1/seats/{id}", Set.of("200", "404", "503"));
        SPEC_STATUSES.put("GET /analytics", Set.of("200", "503"));
        SPEC_STATUSES.put("GET /health", Set.of("200", "503"));
        SPEC_STATUSES.put("GET /health/live", Set.of("200", "503"));
        SPEC_STATUSES.put("GET /health/ready", Set.of("200", "503"));
        SPEC_STATUSES.put("GET /openapi.json", Set.of("200"));
        SPEC_STATUSES.put("GET /metrics", Set.of("200"));
        SPEC_STATUSES.put("GET /", Set.of("200"));
        // the operator page's read routes (issue 21)
        SPEC_STATUSES.put("GET /products", Set.of("200", "400", "503"));
        SPEC_STATUSES.put("GET /orders", Set.of("200", "400", "401", "403"));
    }

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpApi http;

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void servesAValidOpenApi31Document() throws Exception {
        start(HttpAccess.open());

        final HttpResponse<String> served = get("/openapi.json", null);

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        final SwaggerParseResult parsed = parse(served.body());
        assertThat(parsed.getMessages()).as("what the parser found wrong").isEmpty();
        assertThat(parsed.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1.");
    }

    /** The check above means something only if the parser does find faults in a 3.1 document. */
    @Test
    void theParserFindsWhatIsWrongInABrokenDescription() {
        final ObjectNode broken = DescribedAnswers.document().deepCopy();
        ((ObjectNode) broken.path("paths").path("/orders").path("post")).remove("responses");
        ((ObjectNode) broken.path("components").path("securitySchemes").path("adminToken")).put("type", "password");

        final List<String> messages = parse(broken.toString()).getMessages();

        assertThat(messages)
                .anyMatch(message -> message.contains("responses"))
                .anyMatch(message -> message.contains("securitySchemes.adminToken.type"));
    }

    @Test
    void describesEveryRegisteredRouteAndNoOther() {
        start(HttpAccess.open());
        final Set<String> registered = new TreeSet<>(http.routes());

        final Set<String> described = operations(DescribedAnswers.document()).keySet();

        assertThat(registered).as("the router's routes").contains("POST /orders", "GET /openapi.json", "HEAD /health");
        assertThat(minus(registered, described))
                .as("registered routes that openapi.json does not describe")
                .isEmpty();
        assertThat(minus(described, registered))
                .as("described routes that the server does not have")
                .isEmpty();
    }

    @Test
    void eachSpecRouteDescribesTheStatusesTheSpecNames() {
        final Map<String, JsonNode> operations = operations(DescribedAnswers.document());

        SPEC_STATUSES.forEach((route, statuses) -> {
            assertThat(operations).as("described routes").containsKey(route);
            final Set<String> described = new TreeSet<>();
            operations.get(route).path("responses").fieldNames().forEachRemaining(described::add);
            assertThat(described).as(route).containsAll(statuses);
        });
    }

    @Test
    void refusalsAreJsonErrorsAndTheComeBackLaterOnesSayWhen() {
        final JsonNode document = DescribedAnswers.document();
        final JsonNode errorSchema = document.path("components").path("schemas").path("Error");
        assertThat(errorSchema.path("required").toString()).isEqualTo("[\"error\",\"details\"]");

        operations(document)
                .forEach((route, operation) -> operation
                        .path("responses")
                        .fields()
                        .forEachRemaining(entry -> {
                            final int status = Integer.parseInt(entry.getKey());
                            final JsonNode response = resolve(document, entry.getValue());
                            final boolean probe = route.contains(" /health");
                            if (status >= 400 && !probe && !route.startsWith("HEAD ")) {
                                assertThat(response.path("content")
                                                .path("application/json")
                                                .path("schema")
                                                .path("$ref")
                                                .asText())
                                        .as("%s %d body", route, status)
                                        .isEqualTo("#/components/schemas/Error");
                            }
                            if (status == 429 || (status == 503 && !probe)) {
                                assertThat(response.path("headers").has("Retry-After"))
                                        .as("%s %d Retry-After", route, status)
                                        .isTrue();
                                assertThat(resolve(
                                                        document,
                                                        response.path("headers").path("Retry-After"))
                                                .path("required")
                                                .asBoolean())
                                        .isTrue();
                            }
                            if (status == 401) {
                                assertThat(response.path("headers").has("WWW-Authenticate"))
                                        .as("%s 401 challenge", route)
                                        .isTrue();
                            }
                        }));
    }

    /**
     * With the admin token and customer tokens configured, every route described as taking a token
     * refuses a request without one, and every route described as open does not ask for one.
     */
    @Test
    void theDescribedSecurityIsWhatTheRoutesEnforce() throws Exception {
        start(HttpAccess.admin(AdminAuth.of(ADMIN_TOKEN))
                .withCustomers(TestTokens.generate("shop").verifier()));
        final JsonNode document = DescribedAnswers.document();
        assertThat(document.path("components")
                        .path("securitySchemes")
                        .path("customerToken")
                        .path("bearerFormat")
                        .asText())
                .isEqualTo("JWT");

        final List<String> guarded = new ArrayList<>();
        for (final Map.Entry<String, JsonNode> operation : operations(document).entrySet()) {
            final List<String> schemes = new ArrayList<>();
            operation
                    .getValue()
                    .path("security")
                    .forEach(requirement -> requirement.fieldNames().forEachRemaining(schemes::add));
            if (schemes.isEmpty()) {
                continue;
            }
            guarded.add(operation.getKey());
            final String[] methodAndPath = operation.getKey().split(" ", 2);
            final HttpResponse<String> refused = send(
                    methodAndPath[0],
                    methodAndPath[1].replaceAll("\\{[^}]+}", "x1")
                            + (methodAndPath[1].contains("/seats/") ? "?user=u1" : ""));
            assertThat(refused.statusCode())
                    .as("%s without a token", operation.getKey())
                    .isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate"))
                    .as(operation.getKey())
                    .isPresent();
            // operators also read any customer's order: the admin token is one of those routes' alternatives
            final boolean operatorRoute =
                    operation.getValue().path("security").toString().contains("{\"customerToken\":[\"admin\"]}");
            assertThat(operatorRoute)
                    .as("%s is an operator route", operation.getKey())
                    .isEqualTo(operation.getKey().contains("/products/")
                            || operation.getKey().contains("/customers/")
                            || operation.getKey().endsWith(" /orders")
                                    && !operation.getKey().startsWith("POST"));
            assertThat(schemes.contains("adminToken"))
                    .as("%s takes the admin token", operation.getKey())
                    .isEqualTo(operatorRoute || operation.getKey().contains(" /orders/{id}"));
            assertThat(operation.getValue().path("security").toString())
                    .as(operation.getKey())
                    .contains(operatorRoute ? "{\"customerToken\":[\"admin\"]}" : "{\"customerToken\":[]}")
                    .as("open when no token is configured")
                    .contains("{}");
        }
        assertThat(guarded)
                .containsExactlyInAnyOrder(
                        "POST /orders",
                        "GET /orders",
                        "HEAD /orders",
                        "GET /orders/{id}",
                        "HEAD /orders/{id}",
                        "GET /orders/{id}/events",
                        "HEAD /orders/{id}/events",
                        "PUT /products/{sku}",
                        "POST /api/v1/seats/{id}/reservations",
                        "DELETE /api/v1/seats/{id}/reservations",
                        "PUT /customers/{id}/flag",
                        "DELETE /customers/{id}/flag",
                        "GET /customers/{id}/flag",
                        "HEAD /customers/{id}/flag");
    }

    /** The described bodies name exactly the fields of the types the routes read and write, so neither drifts alone. */
    @Test
    void bodySchemasNameTheFieldsOfTheTypesTheRoutesReadAndWrite() {
        final JsonNode schemas = DescribedAnswers.document().path("components").path("schemas");
        final Map<String, Class<? extends Record>> types = new LinkedHashMap<>();
        types.put("PlaceOrderRequest", PlaceOrderRequest.class);
        types.put("Order", QueryResponses.OrderView.class);
        types.put("OrderEvent", OrderEvent.class);
        types.put("PutProductRequest", ProductRequests.PutProduct.class);
        types.put("Product", QueryResponses.ProductView.class);
        types.put("Seat", QueryResponses.SeatView.class);
        types.put("PutFlagRequest", FlagRequests.PutFlag.class);
        types.put("Flag", QueryResponses.FlagView.class);
        types.put("Analytics", AnalyticsSnapshot.class);
        types.put("WindowCounts", WindowCounts.class);
        types.put("Alert", Alert.class);
        types.put("Error", ErrorBody.class);
        types.put("ProductPage", ProductListing.ProductPage.class);
        types.put("LatestOrders", RecentOrders.View.class);
        types.put("OrderSummary", RecentOrders.Summary.class);
        types.put("EndedPerSecond", RecentOrders.EndedPerSecond.class);

        types.forEach(
                (schema, type) -> assertThat(fieldNames(schemas.path(schema).path("properties")))
                        .as(schema)
                        .containsExactlyInAnyOrderElementsOf(componentNames(type)));
        assertThat(fieldNames(schemas.path("Order")
                        .path("properties")
                        .path("lines")
                        .path("items")
                        .path("properties")))
                .as("an order's lines")
                .containsExactlyInAnyOrderElementsOf(componentNames(QueryResponses.LineView.class));
        assertThat(fieldNames(schemas.path("PlaceOrderRequest")
                        .path("properties")
                        .path("items")
                        .path("items")
                        .path("properties")))
                .as("an order's items")
                .containsExactlyInAnyOrderElementsOf(componentNames(PlaceOrderRequest.Item.class));
    }

    @Test
    void aStatusAnsweredButNotDescribedIsCaught() {
        final String scrape = """
                # TYPE http_server_requests_seconds histogram
                http_server_requests_seconds_count{method="POST",route="/orders",status="202"} 3.0
                http_server_requests_seconds_count{method="GET",route="/analytics",status="418"} 1.0
                http_server_requests_seconds_count{method="GET",route="unmatched",status="404"} 2.0
                http_server_requests_seconds_count{method="DELETE",route="/api/v1/seats/{id}/reservations",status="409"} 1.0
                """;

        final Set<DescribedAnswers.Answer> answered = DescribedAnswers.answered(scrape);

        assertThat(answered)
                .containsExactly(
                        new DescribedAnswers.Answer("DELETE", "/api/v1/seats/{id}/reservations", 409),
                        new DescribedAnswers.Answer("GET", "/analytics", 418),
                        new DescribedAnswers.Answer("POST", "/orders", 202));
        assertThat(DescribedAnswers.undescribed(answered, DescribedAnswers.document()))
                .containsExactly(new DescribedAnswers.Answer("GET", "/analytics", 418));
    }

    @Test
    void theStatusesAnsweredHereAreDescribed() throws Exception {
        final ApiMetrics metrics = start(HttpAccess.admin(AdminAuth.of(ADMIN_TOKEN)));
        assertThat(get("/openapi.json", null).statusCode()).isEqualTo(200);
        assertThat(get("/health", null).statusCode()).isEqualTo(503);
        assertThat(send("PUT", "/customers/c1/flag").statusCode()).isEqualTo(401);

        // the server counts an answer just after sending it
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (DescribedAnswers.answered(metrics.scrape()).size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(DescribedAnswers.answered(metrics.scrape()))
                .containsExactly(
                        new DescribedAnswers.Answer("GET", "/health", 503),
                        new DescribedAnswers.Answer("GET", "/openapi.json", 200),
                        new DescribedAnswers.Answer("PUT", "/customers/{id}/flag", 401));
        DescribedAnswers.assertDescribed(metrics.scrape());
    }

    // ---- helpers

    /** The endpoint with no services behind it: the routes here are answered before any is needed. */
    private ApiMetrics start(final HttpAccess access) {
        final ApiMetrics metrics = new ApiMetrics();
        http = new HttpApi(
                        null,
                        null,
                        null,
                        null,
                        null,
                        new Probes(
                                () -> KafkaStreams.State.CREATED,
                                new RestoreProgress(new SimpleMeterRegistry()),
                                KafkaAvailability.ASSUMED),
                        metrics,
                        access,
                        new OperatorPage(null, null))
                .start("127.0.0.1", 0);
        return metrics;
    }

    private static SwaggerParseResult parse(final String document) {
        final ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(document, null, options);
    }

    /** Every operation of the description as {@code "METHOD /path"}. */
    private static Map<String, JsonNode> operations(final JsonNode document) {
        final Map<String, JsonNode> operations = new LinkedHashMap<>();
        for (final Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            final Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(operation -> {
                if (Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace")
                        .contains(operation.getKey())) {
                    operations.put(
                            operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), operation.getValue());
                }
            });
        }
        return operations;
    }

    /** The node a local {@code $ref} points at, or the node itself. */
    private static JsonNode resolve(final JsonNode document, final JsonNode node) {
        final String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? document.at(ref.substring(1)) : node;
    }

    private static List<String> fieldNames(final JsonNode properties) {
        final List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> componentNames(final Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
    }

    private static Set<String> minus(final Set<String> these, final Set<String> those) {
        final Set<String> rest = new TreeSet<>(these);
        rest.removeAll(those);
        return rest;
    }

    private HttpResponse<String> get(final String path, final String authorization) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(final String method, final String path) throws Exception {
        final boolean body = method.equals("POST") || method.equals("PUT");
        return client.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(5))
                        .method(
                                method,
                                body ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + http.port() + path);
    }
}
