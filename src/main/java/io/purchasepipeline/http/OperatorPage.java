package io.purchasepipeline.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The operator page at {@code /} and the two read routes it needs beyond the API's: the catalog's
 * stock ({@code GET /products}, {@link ProductListing}) and the latest orders with their ends per
 * second ({@code GET /orders}, {@link OrderEventTail}). The page is three files inside the jar,
 * served from memory; it polls the same routes any client uses, so it works on any instance.
 */
public final class OperatorPage implements AutoCloseable {

    static final int DEFAULT_ORDERS = 20;
    static final int MAX_ORDERS = 100;
    static final int DEFAULT_SECONDS = 60;
    private static final String RESOURCES = "/io/purchasepipeline/http/operator/";
    /**
     * Everything from this origin, nothing inline: the page cannot load a script from elsewhere, and
     * an order's text shown on it can never run as one.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Path → (content type, bytes). */
    private static final Map<String, Asset> ASSETS = Map.of(
            "/", asset("index.html", "text/html; charset=utf-8"),
            "/operator/operator.js", asset("operator.js", "text/javascript; charset=utf-8"),
            "/operator/operator.css", asset("operator.css", "text/css; charset=utf-8"));

    private record Asset(String contentType, byte[] bytes) {}

    private final OrderEventTail tail;
    private final ProductListing products;

    /**
     * @param tail the latest orders; closed with the page
     * @param products the catalog's stock
     */
    public OperatorPage(final OrderEventTail tail, final ProductListing products) {
        this.tail = tail;
        this.products = products;
    }

    /**
     * Registers the page, its files and its read routes; {@code operator} refuses a caller who may
     * not see the latest orders (they name customers' orders).
     */
    void routes(final JavalinConfig config, final Consumer<Context> operator) {
        ASSETS.forEach((path, asset) -> HttpApi.readRoute(config, path, ctx -> serve(ctx, asset)));
        HttpApi.readRoute(config, "/products", ctx -> products.list(ctx));
        HttpApi.readRoute(config, "/orders", ctx -> {
            operator.accept(ctx);
            latestOrders(ctx);
        });
    }

    private void latestOrders(final Context ctx) {
        final int limit = QueryParams.number(ctx, "limit", DEFAULT_ORDERS, 1, MAX_ORDERS);
        final int seconds = QueryParams.number(ctx, "seconds", DEFAULT_SECONDS, 1, RecentOrders.SECONDS_KEPT);
        Responses.json(ctx.status(200), tail.view(limit, seconds, System.currentTimeMillis()));
    }

    private static void serve(final Context ctx, final Asset asset) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-cache")
                .contentType(asset.contentType())
                .result(asset.bytes());
    }

    private static Asset asset(final String name, final String contentType) {
        try (InputStream in = Objects.requireNonNull(
                OperatorPage.class.getResourceAsStream(RESOURCES + name),
                "the operator page's " + name + " is in the jar")) {
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        // an endpoint started without the page's data (tests of the other routes) has no tail to stop
        if (tail != null) {
            tail.close();
        }
    }
}
