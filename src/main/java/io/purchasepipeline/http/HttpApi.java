package io.purchasepipeline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Gauge;
import io.purchasepipeline.runtime.TopicWriter;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.serdes.FlagAction;
import io.purchasepipeline.serdes.FlagCommand;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import io.purchasepipeline.stores.Inventory;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.QueryResult;
import io.purchasepipeline.stores.StoreNames;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Connector;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint: the route table, and handlers that stay thin (validate, call one service,
 * render). Any instance answers for any key. Errors are JSON {@code {"error","details"}} and never
 * carry a stack trace.
 */
public final class HttpApi implements AutoCloseable {

    static final long MAX_WAIT_MS = 30_000;
    /** About what the embedded broker takes to restart. */
    static final int KAFKA_RETRY_AFTER_SECONDS = 5;
    private static final String JSON = "application/json";
    /** The request's correlation id: taken from the client when it sends a sane one, else made here. */
    static final String CORRELATION_HEADER = "X-Correlation-Id";
    static final String AUTHORIZATION = "Authorization";
    private static final java.util.regex.Pattern CORRELATION = java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,128}");
    /** 12 to 19 digits, perhaps in groups: what may be a card number, never echoed in an error. */
    private static final java.util.regex.Pattern CARD_LIKE = java.util.regex.Pattern.compile("(?<!\\d)(?:\\d[ -]?){11,18}\\d(?!\\d)");
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    /**
     * Request bodies are read strictly: a value of the wrong type (a number for a name, a fraction
     * for a quantity) is a 400, not silently converted; fields a client adds are ignored.
     */
    private static final ObjectMapper REQUESTS = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private final OrderSubmission intake;
    private final TopicWriter publisher;
    private final SeatCommandSender seats;
    private final QueryRouter queries;
    private final OrderWaiters waiters;
    private final Probes probes;
    private final ApiMetrics metrics;
    private final HttpAccess access;
    private final OperatorPage page;
    private final Javalin server;

    /**
     * @param access who may use the operator routes ({@code PUT /products}, the customer flags), who
     *        the caller of a customer route is, and how often one client may write
     * @param page the operator page and its read routes; closed with the endpoint
     */
    public HttpApi(final OrderSubmission intake, final TopicWriter publisher, final SeatCommandSender seats, final QueryRouter queries,
            final OrderWaiters waiters, final Probes probes, final ApiMetrics metrics,
            final HttpAccess access, final OperatorPage page) {
        this(intake, publisher, seats, queries, waiters, probes, metrics, access, page, RequestSpans.UNTRACED);
    }

    /** The same, a placed order's trace starting with a server span of {@code spans}'. */
    public HttpApi(final OrderSubmission intake, final TopicWriter publisher, final SeatCommandSender seats, final QueryRouter queries,
            final OrderWaiters waiters, final Probes probes, final ApiMetrics metrics,
            final HttpAccess access, final OperatorPage page, final RequestSpans spans) {
        this.intake = intake;
        this.publisher = publisher;
        this.seats = seats;
        this.queries = queries;
        this.waiters = waiters;
        this.probes = probes;
        this.metrics = metrics;
        this.access = access;
        this.page = page;
        Gauge.builder("http.server.connections", this::openConnections).description("HTTP connections open now")
                .register(metrics.registry());
        this.server = Javalin.create(config -> {
            HttpLimits.apply(config);
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.routes.post("/orders", spans.around("POST", "/orders", this::placeOrder));
            readRoute(config, "/orders/{id}", this::getOrder);
            readRoute(config, "/orders/{id}/events", this::getOrderEvents);
            config.routes.put("/products/{sku}", this::putProduct);
            readRoute(config, "/products/{sku}", this::getProduct);
            config.routes.post("/api/v1/seats/{id}/reservations", this::reserveSeat);
            config.routes.delete("/api/v1/seats/{id}/reservations", this::releaseSeat);
            readRoute(config, "/api/v1/seats/{id}", this::getSeat);
            config.routes.put("/customers/{id}/flag", this::flagCustomer);
            config.routes.delete("/customers/{id}/flag", this::clearFlag);
            readRoute(config, "/customers/{id}/flag", this::getFlag);
            readRoute(config, "/analytics", this::analytics);
            readRoute(config, "/health", ctx -> probe(ctx, probes.health()));
            readRoute(config, "/health/live", ctx -> probe(ctx, probes.live()));
            readRoute(config, "/health/ready", ctx -> probe(ctx, probes.ready()));
            readRoute(config, "/metrics", this::metrics);
            readRoute(config, "/openapi.json", ApiDescription.load()::serve);
            page.routes(config, this::operator);
            config.routes.before(ctx -> {
                ctx.attribute("started", System.nanoTime());
                ctx.header(CORRELATION_HEADER, correlationId(ctx));
                refuseAnnouncedLargeBody(ctx);
            });
            config.routes.after(this::recordLatency);
            config.routes.exception(ApiException.class, this::apiError);
            config.routes.exception(HttpResponseException.class, (e, ctx) -> frameworkError(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                final int clientFault = clientFault(e);
                if (clientFault > 0) {
                    error(ctx, clientFault, "bad request", List.of("the request cannot be read: " + e.getMessage()));
                    return;
                }
                log.error("Request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error", List.of("the failure is logged"));
            });
            config.routes.error(405, ctx -> error(ctx, 405, "method not allowed",
                    List.of(ctx.method() + " is not allowed on " + ctx.path())));
        });
    }

    /**
     * Listens on {@code host:port}. Open routes are a warning when others can reach them; on the
     * loopback address, where only this machine can, they are the local default and no warning.
     */
    public HttpApi start(final String host, final int port) {
        server.start(host, port);
        final Level open = openRoutesLevel(host);
        if (!access.admin().required() && !access.customers().required()) {
            log.atLevel(open).log("No admin token is set (ADMIN_TOKEN or --admin-token): PUT /products/<sku> and the "
                    + "/customers/<id>/flag routes are open to anyone who can reach {}:{}", host, server.port());
        }
        if (access.customers().required()) {
            log.info("HTTP access: {}; {}", access.customers(), access.limits());
        } else {
            log.atLevel(open).log("No customer tokens are verified (AUTH_JWKS or --auth-jwks, or --auth-public-key): "
                    + "POST /orders, GET /orders/<id> and the seat routes trust the customer id and user the caller names; {}",
                    access.limits());
        }
        return this;
    }

    /** How loudly open routes are told: a warning when other machines can reach {@code host}. */
    static Level openRoutesLevel(final String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress() ? Level.DEBUG : Level.WARN;
        } catch (UnknownHostException e) {
            return Level.WARN;
        }
    }

    public int port() {
        return server.port();
    }

    /** Every route the server answers, as {@code "METHOD /path"}, from its own router. */
    public List<String> routes() {
        return server.unsafe.internalRouter.allHttpHandlers().stream().filter(handler -> handler.endpoint.method.isHttpMethod())
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path).toList();
    }

    /** Connections open now, idle ones included (a gauge on /metrics). */
    public int openConnections() {
        int open = 0;
        for (final Connector connector : server.jettyServer().server().getConnectors()) {
            open += connector.getConnectedEndPoints().size();
        }
        return open;
    }

    @Override
    public void close() {
        server.stop();
        try {
            page.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- orders

    private void placeOrder(final Context ctx) throws InterruptedException {
        final String customer = customerWithinLimits(ctx);
        refuseWhileKafkaIsDown();
        final Order order = intake.place(forCustomer(body(ctx, PlaceOrderRequest.class), customer),
                ctx.header("Idempotency-Key"), correlationId(ctx));
        ctx.status(202).header("Location", "/orders/" + order.orderId());
        json(ctx, Map.of("orderId", order.orderId(), "status", "PENDING"));
    }

    private void getOrder(final Context ctx) throws InterruptedException {
        final String orderId = ctx.pathParam("id");
        final String customer = orderReader(ctx);
        final long waitMs = waitMs(ctx);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        final CompletableFuture<Void> ended = waiters.register(orderId);
        try {
            final QueryResult<OrderState> first = queries.lookup(ctx, StoreNames.ORDERS, orderId, Duration.ofMillis(waitMs));
            QueryResult<OrderState> result = owned(customer, first);
            if (result != null && waitMs > 0 && !ended(result)) {
                // another's order is waited for as one that never comes: its end must not show through
                awaitEnd(result == first ? ended : new CompletableFuture<>(), deadline);
                result = owned(customer, queries.lookup(ctx, StoreNames.ORDERS, orderId, Duration.ZERO));
            }
            answer(ctx, result, "order " + orderId, state -> QueryResponses.order(state));
        } finally {
            waiters.unregister(orderId, ended);
        }
    }

    private void getOrderEvents(final Context ctx) throws InterruptedException {
        final String orderId = ctx.pathParam("id");
        final String customer = orderReader(ctx);
        answer(ctx, owned(customer, queries.lookup(ctx, StoreNames.ORDERS, orderId, Duration.ZERO)), "order " + orderId,
                OrderState::events);
    }

    // ---- products and seats

    private void putProduct(final Context ctx) throws InterruptedException {
        operator(ctx);
        final String sku = ctx.pathParam("sku");
        final Product product = ProductRequests.validated(sku, body(ctx, ProductRequests.PutProduct.class));
        publish(Topics.CATALOG, sku, product, ctx, "the product");
        ctx.status(202).header("Location", "/products/" + sku);
        json(ctx, Map.of("sku", sku, "status", "ACCEPTED"));
    }

    private void getProduct(final Context ctx) throws InterruptedException {
        final String sku = ctx.pathParam("sku");
        answer(ctx, queries.lookup(ctx, StoreNames.INVENTORY, sku, Duration.ZERO), "product " + sku, QueryResponses::product);
    }

    private void getSeat(final Context ctx) throws InterruptedException {
        final String seatId = ctx.pathParam("id");
        final QueryResult<Inventory> result = queries.lookup(ctx, StoreNames.INVENTORY, seatId, Duration.ZERO);
        if (result instanceof QueryResult.Found<Inventory> found && found.value().kind() != ProductKind.SEAT) {
            throw ApiException.notFound("seat " + seatId);
        }
        answer(ctx, result, "seat " + seatId, QueryResponses::seat);
    }

    private void reserveSeat(final Context ctx) throws InterruptedException {
        final String user = user(ctx, customerWithinLimits(ctx));
        refuseWhileKafkaIsDown();
        final SeatResult result = seats.send(ctx.pathParam("id"), user, SeatAction.RESERVE, correlationId(ctx));
        switch (result.outcome()) {
            case RESERVED -> {
                ctx.status(201).header("Location", "/api/v1/seats/" + result.seatId());
                json(ctx, new QueryResponses.SeatView(result.seatId(), true, result.reservedFor()));
            }
            case ALREADY_RESERVED -> throw new ApiException(422, "already reserved",
                    List.of("seat " + result.seatId() + " is reserved"));
            default -> throw ApiException.notFound("seat " + result.seatId());
        }
    }

    private void releaseSeat(final Context ctx) throws InterruptedException {
        final String user = user(ctx, customerWithinLimits(ctx));
        refuseWhileKafkaIsDown();
        final SeatResult result = seats.send(ctx.pathParam("id"), user, SeatAction.RELEASE, correlationId(ctx));
        switch (result.outcome()) {
            case RELEASED -> ctx.status(204);
            case RESERVED_BY_OTHER -> throw new ApiException(409, "reserved by someone else",
                    List.of("seat " + result.seatId() + " is not reserved for " + result.user()));
            case NOT_RESERVED -> throw ApiException.notFound("reservation of seat " + result.seatId());
            default -> throw ApiException.notFound("seat " + result.seatId());
        }
    }

    // ---- customers' fraud flags (an operator's)

    private void flagCustomer(final Context ctx) throws InterruptedException {
        operator(ctx);
        final byte[] bytes = bodyBytes(ctx);
        // the body is optional: a flag without a reason
        changeFlag(ctx, FlagRequests.flag(ctx.pathParam("id"),
                bytes.length == 0 ? new FlagRequests.PutFlag(null) : parse(bytes, FlagRequests.PutFlag.class)));
    }

    private void clearFlag(final Context ctx) throws InterruptedException {
        operator(ctx);
        changeFlag(ctx, new FlagCommand(FlagRequests.customerId(ctx.pathParam("id")), FlagAction.CLEAR, null));
    }

    /** The change goes to the customer's fraud-check task, in order with the customer's orders. */
    private void changeFlag(final Context ctx, final FlagCommand change) throws InterruptedException {
        publish(Topics.CUSTOMER_FLAGS, change.customerId(), change, ctx, "the flag change");
        ctx.status(202).header("Location", "/customers/" + change.customerId() + "/flag");
        json(ctx, Map.of("customerId", change.customerId(), "action", change.action().name(), "status", "ACCEPTED"));
    }

    private void getFlag(final Context ctx) throws InterruptedException {
        operator(ctx);
        final String customerId = FlagRequests.customerId(ctx.pathParam("id"));
        answer(ctx, queries.<String>lookup(ctx, StoreNames.FLAGGED_CUSTOMERS, customerId, Duration.ZERO),
                "flag of customer " + customerId, reason -> new QueryResponses.FlagView(customerId, true, reason));
    }

    // ---- operations

    private void analytics(final Context ctx) throws InterruptedException {
        final QueryResult<AnalyticsSnapshot> result = queries.lookup(ctx, StoreNames.ANALYTICS, AnalyticsSnapshot.KEY,
                Duration.ZERO);
        // nothing counted yet is an empty picture, not a missing resource
        answer(ctx, result instanceof QueryResult.NotFound<AnalyticsSnapshot>
                ? new QueryResult.Found<>(AnalyticsSnapshot.empty()) : result, "analytics", snapshot -> snapshot);
    }

    private void probe(final Context ctx, final Probes.Answer answer) {
        ctx.status(answer.status());
        json(ctx, answer.body());
    }

    private void metrics(final Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    // ---- helpers

    /** Writes one record and waits until Kafka has it (acks=all), so a 202 is never lost. */
    private <V> void publish(final Topic<V> topic, final String key, final V value, final Context ctx, final String what)
            throws InterruptedException {
        refuseWhileKafkaIsDown();
        try {
            publisher.send(topic, key, value, correlationId(ctx)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable(what + " could not be stored: " + e.getMessage(), 1);
        }
    }

    /**
     * A write while Kafka is known to be down is answered 503 at once: the client retries after a
     * broker restart's worth of seconds instead of holding a connection until the producer gives up.
     */
    private void refuseWhileKafkaIsDown() {
        probes.kafka().problem().ifPresent(problem -> {
            throw ApiException.unavailable(problem, KAFKA_RETRY_AFTER_SECONDS);
        });
    }

    static String correlationId(final Context ctx) {
        final String known = ctx.attribute(CORRELATION_HEADER);
        if (known != null) {
            return known;
        }
        final String given = ctx.header(CORRELATION_HEADER);
        final String id = given != null && CORRELATION.matcher(given).matches() ? given : java.util.UUID.randomUUID().toString();
        ctx.attribute(CORRELATION_HEADER, id);
        return id;
    }

    // ---- who the caller is

    /** The verified customer; null when tokens are off and the customer routes trust the caller. */
    private String customer(final Context ctx) {
        return access.customers().required() ? access.customers().verify(ctx.header(AUTHORIZATION)).subject() : null;
    }

    /**
     * Whose orders the caller may read: null for anyone's (tokens off, or an operator: the operator
     * page opens any order's trail), else the verified customer's own.
     */
    private String orderReader(final Context ctx) {
        final String authorization = ctx.header(AUTHORIZATION);
        if (!access.customers().required() || access.admin().accepts(authorization)) {
            return null;
        }
        final CustomerTokens.Caller caller = access.customers().verify(authorization);
        return caller.admin() ? null : caller.subject();
    }

    /**
     * {@link #customer}, within the per-client limits: the address's share is taken before the
     * token is verified, so a flood costs no signature checks.
     */
    private String customerWithinLimits(final Context ctx) {
        access.limits().admitAddress(ctx.ip());
        final String customer = customer(ctx);
        access.limits().admitCustomer(customer);
        return customer;
    }

    /** The operator routes: the admin token, or a customer token with the admin role; open when neither is set. */
    private void operator(final Context ctx) {
        final String authorization = ctx.header(AUTHORIZATION);
        if (!access.customers().required() || access.admin().accepts(authorization)) {
            access.admin().check(authorization);
            return;
        }
        if (!access.customers().verify(authorization).admin()) {
            throw ApiException.insufficientRole("this route needs the " + CustomerTokens.ADMIN_ROLE + " role");
        }
    }

    /** The order as the verified customer places it: for them, whatever the body names. */
    private static PlaceOrderRequest forCustomer(final PlaceOrderRequest request, final String customer) {
        if (customer == null) {
            return request;
        }
        if (request.customerId() != null && !request.customerId().equals(customer)) {
            throw ApiException.forbidden("customerId: an order can only be placed for the token's own subject");
        }
        return request.withCustomerId(customer);
    }

    /** Another customer's order is answered as one that does not exist, so that order ids do not leak. */
    private static QueryResult<OrderState> owned(final String customer, final QueryResult<OrderState> result) {
        if (customer != null && result instanceof QueryResult.Found<OrderState> found
                && !customer.equals(found.value().order().customerId())) {
            return new QueryResult.NotFound<>();
        }
        return result;
    }

    /** The seat routes' user: the verified customer (a {@code user} naming another is 403), else the parameter. */
    private static String user(final Context ctx, final String customer) {
        final String user = ctx.queryParam("user");
        if (customer != null) {
            if (user != null && !user.equals(customer)) {
                throw ApiException.forbidden("user: a seat can only be reserved or released for the token's own subject");
            }
            return customer;
        }
        if (user == null || user.isBlank() || !OrderSubmission.ID.matcher(user).matches()) {
            throw ApiException.badRequest("invalid user", List.of("user: 1 to 64 letters, digits or ._:@-"));
        }
        return user;
    }

    private static long waitMs(final Context ctx) {
        final String value = ctx.queryParam("waitMs");
        if (value == null) {
            return 0;
        }
        try {
            final long waitMs = Long.parseLong(value);
            if (waitMs >= 0 && waitMs <= MAX_WAIT_MS) {
                return waitMs;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid waitMs", List.of("waitMs: 0 to " + MAX_WAIT_MS));
    }

    private static boolean ended(final QueryResult<OrderState> result) {
        return result instanceof QueryResult.Found<OrderState> found && found.value().status().terminal();
    }

    private static void awaitEnd(final CompletableFuture<Void> ended, final long deadline) throws InterruptedException {
        try {
            ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the order did not end in time: the current state is the answer
        }
    }

    /** Renders a lookup's result; null means the request was forwarded and is already answered. */
    private static <V> void answer(final Context ctx, final QueryResult<V> result, final String what,
            final java.util.function.Function<V, Object> render) {
        if (result == null) {
            return;
        }
        if (result instanceof QueryResult.Found<V> found) {
            json(ctx.status(200), render.apply(found.value()));
        } else if (result instanceof QueryResult.NotFound<V>) {
            throw ApiException.notFound(what);
        } else if (result instanceof QueryResult.Unavailable<V> unavailable) {
            throw ApiException.unavailable(unavailable.reason(), 1);
        } else {
            throw ApiException.unavailable("the owner of " + what + " cannot be reached", 1);
        }
    }

    /**
     * A GET route, and HEAD on the same path running the same handler: the server sends the status
     * and headers without the body. (Left to the framework, HEAD answers 200 without running it.)
     */
    static void readRoute(final JavalinConfig config, final String path, final Handler handler) {
        config.routes.get(path, handler);
        config.routes.head(path, handler);
    }

    private static <T> T body(final Context ctx, final Class<T> type) {
        return parse(bodyBytes(ctx), type);
    }

    /** The body, at most {@link HttpLimits#MAX_BODY_BYTES} of it (413 beyond); 400 when the client cannot send it. */
    private static byte[] bodyBytes(final Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (Exception e) {
            // the stream's IOException (a broken chunk, a client gone halfway) is thrown undeclared
            if (timedOut(e)) {
                throw new ApiException(408, "request timeout", List.of("the body did not arrive within "
                        + HttpLimits.REQUEST_TIMEOUT.toSeconds() + " s"));
            }
            if (clientFault(e) > 0) {
                throw ApiException.badRequest("malformed body", List.of("the body cannot be read: " + e.getMessage()));
            }
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    /**
     * A body announced larger than the limit is refused before it is handled; one not much larger
     * that the client is already sending is read and dropped first ({@link HttpLimits#MAX_REFUSED_BODY_READ}).
     */
    private static void refuseAnnouncedLargeBody(final Context ctx) {
        // the long one: a length above 2 GiB is -1 as an int
        final long length = ctx.req().getContentLengthLong();
        if (length > HttpLimits.MAX_BODY_BYTES) {
            if (length <= HttpLimits.MAX_REFUSED_BODY_READ && ctx.header("Expect") == null) {
                discardBody(ctx);
            }
            throw new ApiException(413, "body too large", List.of("at most " + HttpLimits.MAX_BODY_BYTES + " bytes"));
        }
    }

    /** Reads the body to its end and drops it; a client that breaks off or stalls meanwhile only loses its connection. */
    private static void discardBody(final Context ctx) {
        final byte[] buffer = new byte[8192];
        try (InputStream body = ctx.req().getInputStream()) {
            while (body.read(buffer) >= 0) {
                // dropped
            }
        } catch (IOException | RuntimeException e) {
            log.debug("A refused body was not read to its end: {}", e.toString());
        }
    }

    /** Whether the request stream gave up waiting for the client (Jetty's request timeout). */
    private static boolean timedOut(final Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The 4xx status when {@code e} is the client's fault: the request stream broke (a bad chunk,
     * a connection closed halfway) or Jetty refused what it read; 0 when it is ours.
     */
    private static int clientFault(final Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return http.getCode();
            }
            if (cause instanceof EofException) {
                return 400;
            }
        }
        return 0;
    }

    private static <T> T parse(final byte[] bytes, final Class<T> type) {
        try {
            final T value = REQUESTS.readValue(bytes, type);
            if (value == null) {
                throw ApiException.badRequest("malformed JSON", List.of("the body must be a JSON object"));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", List.of(hideCardNumbers(e.getOriginalMessage())));
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON", List.of("the body cannot be read"));
        }
    }

    /** Jackson quotes the value it could not read: when that is a card number, the error must not repeat it. */
    private static String hideCardNumbers(final String message) {
        return message == null ? null : CARD_LIKE.matcher(message).replaceAll("<digits hidden>");
    }

    private void apiError(final ApiException e, final Context ctx) {
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", e.retryAfterSeconds().toString());
        }
        if (e.challenge() != null) {
            ctx.header("WWW-Authenticate", e.challenge());
        }
        error(ctx, e.status(), e.getMessage(), e.details());
    }

    /** The framework's own refusals (no such route, body too large) in the API's error shape. */
    private static void frameworkError(final Context ctx, final HttpResponseException e) {
        switch (e.getStatus()) {
            case 404 -> error(ctx, 404, "not found", List.of("no route " + ctx.method() + " " + ctx.path()));
            case 405 -> error(ctx, 405, "method not allowed", List.of(ctx.method() + " is not allowed on " + ctx.path()));
            case 413 -> error(ctx, 413, "body too large", List.of("at most " + HttpLimits.MAX_BODY_BYTES + " bytes"));
            default -> error(ctx, e.getStatus(), e.getMessage(), List.of(e.getMessage()));
        }
    }

    private static void error(final Context ctx, final int status, final String error, final List<String> details) {
        json(ctx.status(status), new ErrorBody(error, new ArrayList<>(details)));
    }

    static void json(final Context ctx, final Object value) {
        try {
            ctx.contentType(JSON).result(JsonSerde.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
        }
    }

    private void recordLatency(final Context ctx) {
        final Long started = ctx.attribute("started");
        if (started != null) {
            final io.javalin.router.Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            final String route = matched == null ? "unmatched" : matched.path;
            metrics.request(ctx.method().name(), route, ctx.status().getCode(), Duration.ofNanos(System.nanoTime() - started));
        }
    }
}
