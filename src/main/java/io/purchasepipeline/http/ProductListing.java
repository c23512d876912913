package io.purchasepipeline.http;

import io.javalin.http.Context;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.stores.InteractiveQueries;
import io.purchasepipeline.stores.Inventory;
import io.purchasepipeline.stores.QueryResult;
import io.purchasepipeline.stores.StoreNames;
import io.purchasepipeline.stores.StorePage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /products}: a page of the catalog with each product's stock, or the products named by
 * {@code ?sku=}.
 *
 * <p>The page of SKUs comes from the global product catalog, which every instance holds whole and
 * in SKU order, so any instance answers the same page and {@code next} pages on from anywhere. The
 * counts live in the {@code inventory} store, split by SKU over the instances: this instance reads
 * the SKUs it owns, and asks every other owner once for all of its SKUs on the page ({@code ?sku=}
 * marked as forwarded, answered from that owner's own store only), all owners at the same time.
 * A page is at most {@value #MAX_LIMIT} products and a filter looks at no more than
 * {@value #MAX_SCANNED} catalog entries, so a poll is a bounded read however large the catalog.
 * A SKU whose owner cannot answer now (a rebalance, an instance gone) is listed in
 * {@code unavailable} rather than waited for.
 */
public final class ProductListing {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final int MAX_SCANNED = 2_000;
    private static final Pattern SKU_PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,64}");
    private static final Logger log = LoggerFactory.getLogger(ProductListing.class);

    /** The answer: products in SKU order; {@code next} the SKU to page on after (null at the end). */
    record ProductPage(List<QueryResponses.ProductView> products, String next, List<String> unavailable) {}

    private final InteractiveQueries queries;
    private final HttpClient client;
    private final Duration forwardTimeout;

    public ProductListing(final InteractiveQueries queries, final Duration forwardTimeout) {
        this.queries = queries;
        this.forwardTimeout = forwardTimeout;
        this.client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    }

    void list(final Context ctx) throws InterruptedException {
        final List<String> named = ctx.queryParams("sku");
        if (!named.isEmpty()) {
            Responses.json(ctx.status(200), stock(ctx, skus(named), null));
            return;
        }
        final int limit = QueryParams.number(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        final Set<ProductKind> kinds = kinds(ctx.queryParam("kind"));
        final String prefix = skuText("prefix", ctx.queryParam("prefix"));
        final String after = skuText("after", ctx.queryParam("after"));
        final StorePage<Product> page;
        try {
            page = queries.globalPage(
                    StoreNames.PRODUCT_CATALOG,
                    prefix == null ? "" : prefix,
                    after == null || after.isEmpty() ? null : after,
                    product -> kinds.contains(product.kind()),
                    limit,
                    MAX_SCANNED);
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the product catalog is not readable yet: " + e.getMessage(), 1);
        }
        Responses.json(
                ctx.status(200),
                stock(ctx, page.entries().stream().map(entry -> entry.key).toList(), page.next()));
    }

    /** The stock of {@code skus}, in that order; a SKU nobody has is left out. */
    private ProductPage stock(final Context ctx, final List<String> skus, final String next)
            throws InterruptedException {
        final Map<String, QueryResult<Inventory>> answers = queries.getEach(StoreNames.INVENTORY, skus);
        final Map<String, QueryResponses.ProductView> found = new LinkedHashMap<>();
        final Set<String> unavailable = new LinkedHashSet<>();
        final Map<HostInfo, List<String>> elsewhere = new LinkedHashMap<>();
        answers.forEach((sku, answer) -> {
            if (answer instanceof QueryResult.Found<Inventory> here) {
                found.put(sku, QueryResponses.product(here.value()));
            } else if (answer instanceof QueryResult.Elsewhere<Inventory> there
                    && ctx.header(QueryRouter.FORWARDED) == null) {
                elsewhere
                        .computeIfAbsent(there.host(), host -> new ArrayList<>())
                        .add(sku);
            } else if (!(answer instanceof QueryResult.NotFound<Inventory>)) {
                unavailable.add(sku);
            }
        });
        final Map<HostInfo, CompletableFuture<HttpResponse<byte[]>>> asked = new LinkedHashMap<>();
        elsewhere.forEach((host, hostSkus) -> asked.put(
                host, client.sendAsync(forwarded(ctx, host, hostSkus), HttpResponse.BodyHandlers.ofByteArray())));
        final long deadline = System.nanoTime() + forwardTimeout.toNanos();
        for (final Map.Entry<HostInfo, CompletableFuture<HttpResponse<byte[]>>> ask : asked.entrySet()) {
            final ProductPage answer = answer(ask.getKey(), ask.getValue(), deadline);
            if (answer == null) {
                unavailable.addAll(elsewhere.get(ask.getKey()));
            } else {
                answer.products().forEach(product -> found.put(product.sku(), product));
                unavailable.addAll(answer.unavailable());
            }
        }
        final List<QueryResponses.ProductView> products =
                skus.stream().filter(found::containsKey).map(found::get).toList();
        return new ProductPage(
                products, next, skus.stream().filter(unavailable::contains).toList());
    }

    private HttpRequest forwarded(final Context ctx, final HostInfo host, final List<String> skus) {
        final String query = skus.stream()
                .map(sku -> "sku=" + URLEncoder.encode(sku, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + "/products?" + query))
                .timeout(forwardTimeout)
                .header(
                        QueryRouter.FORWARDED,
                        queries.self().host() + ":" + queries.self().port())
                .header(CorrelationIds.HEADER, CorrelationIds.of(ctx))
                .GET()
                .build();
    }

    /** The owner's answer, or null when it gave none in time (its SKUs are then unavailable). */
    private static ProductPage answer(
            final HostInfo host, final CompletableFuture<HttpResponse<byte[]>> asked, final long deadline)
            throws InterruptedException {
        try {
            final HttpResponse<byte[]> response =
                    asked.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (response.statusCode() != 200) {
                log.debug("{} answered {} for its products", host, response.statusCode());
                return null;
            }
            return JsonSerde.MAPPER.readValue(response.body(), ProductPage.class);
        } catch (ExecutionException | TimeoutException | IOException e) {
            asked.cancel(true);
            log.debug("{} did not answer for its products: {}", host, e.toString());
            return null;
        }
    }

    private static List<String> skus(final List<String> named) {
        final List<String> skus = named.stream().distinct().toList();
        if (skus.size() > MAX_LIMIT) {
            throw ApiException.badRequest("too many skus", List.of("sku: at most " + MAX_LIMIT + " at once"));
        }
        skus.forEach(sku -> {
            if (!OrderSubmission.SKU.matcher(sku).matches()) {
                throw ApiException.badRequest("invalid sku", List.of("sku: 1 to 64 letters, digits or ._-"));
            }
        });
        return skus;
    }

    /** {@code kind=SEAT} or {@code kind=PHYSICAL,DIGITAL}; every kind when absent. */
    private static Set<ProductKind> kinds(final String value) {
        if (value == null || value.isBlank()) {
            return EnumSet.allOf(ProductKind.class);
        }
        final Set<ProductKind> kinds = EnumSet.noneOf(ProductKind.class);
        for (final String kind : value.split(",")) {
            try {
                kinds.add(ProductKind.valueOf(kind.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid kind", List.of("kind: one or more of PHYSICAL, SEAT, DIGITAL"));
            }
        }
        return kinds;
    }

    private static String skuText(final String name, final String value) {
        if (value != null && !SKU_PREFIX.matcher(value).matches()) {
            throw ApiException.badRequest("invalid " + name, List.of(name + ": up to 64 letters, digits or ._-"));
        }
        return value;
    }
}
