package io.purchasepipeline.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Gauge;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.TopicWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The HTTP endpoint: the route table, each route handled by the class of its resource, handlers that
 * stay thin (validate, call one service, render). Any instance answers for any key. Errors are JSON
 * {@code {"error","details"}} and never carry a stack trace.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    private final HttpAccess access;
    private final ApiMetrics metrics;
    private final OperatorPage page;
    private final Javalin server;

    /**
     * @param access who may use the operator routes ({@code PUT /products}, the customer flags), who
     *        the caller of a customer route is, and how often one client may write
     * @param page the operator page and its read routes; closed with the endpoint
     */
    public HttpApi(
            final OrderSubmission intake,
            final TopicWriter writer,
            final SeatCommandSender seats,
            final QueryRouter queries,
            final OrderWaiters waiters,
            final Probes probes,
            final ApiMetrics metrics,
            final HttpAccess access,
            final OperatorPage page) {
        this(intake, writer, seats, queries, waiters, probes, metrics, access, page, RequestSpans.UNTRACED);
    }

    /** The same, a placed order's trace starting with a server span of {@code spans}'. */
    public HttpApi(
            final OrderSubmission intake,
            final TopicWriter writer,
            final SeatCommandSender seats,
            final QueryRouter queries,
            final OrderWaiters waiters,
            final Probes probes,
            final ApiMetrics metrics,
            final HttpAccess access,
            final OperatorPage page,
            final RequestSpans spans) {
        this.access = access;
        this.metrics = metrics;
        this.page = page;
        final Callers callers = new Callers(access);
        final KafkaWrites writes = new KafkaWrites(writer, probes);
        final OrderRoutes orders = new OrderRoutes(intake, queries, waiters, callers, writes);
        final ProductRoutes products = new ProductRoutes(queries, callers, writes);
        final SeatRoutes seatRoutes = new SeatRoutes(seats, queries, callers, writes);
        final CustomerFlagRoutes flags = new CustomerFlagRoutes(queries, callers, writes);
        final AnalyticsRoutes analytics = new AnalyticsRoutes(queries);
        final HealthRoutes health = new HealthRoutes(probes, metrics);
        Gauge.builder("http.server.connections", this::openConnections)
                .description("HTTP connections open now")
                .register(metrics.registry());
        this.server = Javalin.create(config -> {
            HttpLimits.apply(config);
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.routes.post("/orders", spans.around("POST", "/orders", orders::place));
            readRoute(config, "/orders/{id}", orders::get);
            readRoute(config, "/orders/{id}/events", orders::events);
            config.routes.put("/products/{sku}", products::put);
            readRoute(config, "/products/{sku}", products::get);
            config.routes.post("/api/v1/seats/{id}/reservations", seatRoutes::reserve);
            config.routes.delete("/api/v1/seats/{id}/reservations", seatRoutes::release);
            readRoute(config, "/api/v1/seats/{id}", seatRoutes::get);
            config.routes.put("/customers/{id}/flag", flags::flag);
            config.routes.delete("/customers/{id}/flag", flags::clear);
            readRoute(config, "/customers/{id}/flag", flags::get);
            readRoute(config, "/analytics", analytics::get);
            readRoute(config, "/health", health::health);
            readRoute(config, "/health/live", health::live);
            readRoute(config, "/health/ready", health::ready);
            readRoute(config, "/metrics", health::metrics);
            readRoute(config, "/openapi.json", ApiDescription.load()::serve);
            page.routes(config, callers::operator);
            config.routes.before(ctx -> {
                ctx.attribute("started", System.nanoTime());
                ctx.header(CorrelationIds.HEADER, CorrelationIds.of(ctx));
                RequestBodies.refuseAnnouncedLargeBody(ctx);
            });
            config.routes.after(this::recordLatency);
            config.routes.exception(ApiException.class, Responses::apiError);
            config.routes.exception(HttpResponseException.class, (e, ctx) -> Responses.frameworkError(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                final int clientFault = RequestBodies.clientFault(e);
                if (clientFault > 0) {
                    Responses.error(
                            ctx, clientFault, "bad request", List.of("the request cannot be read: " + e.getMessage()));
                    return;
                }
                log.error("Request {} {} failed", ctx.method(), ctx.path(), e);
                Responses.error(ctx, 500, "internal error", List.of("the failure is logged"));
            });
            config.routes.error(405, Responses::methodNotAllowed);
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
            log.atLevel(open)
                    .log(
                            "No admin token is set (ADMIN_TOKEN or --admin-token): PUT /products/<sku> and the "
                                    + "/customers/<id>/flag routes are open to anyone who can reach {}:{}",
                            host,
                            server.port());
        }
        if (access.customers().required()) {
            log.info("HTTP access: {}; {}", access.customers(), access.limits());
        } else {
            log.atLevel(open)
                    .log(
                            "No customer tokens are verified (AUTH_JWKS or --auth-jwks, or --auth-public-key): "
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
        return server.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(handler -> handler.endpoint.method.isHttpMethod())
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path)
                .toList();
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

    /**
     * A GET route, and HEAD on the same path running the same handler: the server sends the status
     * and headers without the body. (Left to the framework, HEAD answers 200 without running it.)
     */
    static void readRoute(final JavalinConfig config, final String path, final Handler handler) {
        config.routes.get(path, handler);
        config.routes.head(path, handler);
    }

    private void recordLatency(final Context ctx) {
        final Long started = ctx.attribute("started");
        if (started != null) {
            final Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            final String route = matched == null ? "unmatched" : matched.path;
            metrics.request(
                    ctx.method().name(), route, ctx.status().getCode(), Duration.ofNanos(System.nanoTime() - started));
        }
    }
}
