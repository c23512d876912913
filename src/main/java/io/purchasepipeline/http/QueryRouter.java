package io.purchasepipeline.http;

import io.javalin.http.Context;
import io.purchasepipeline.stores.InteractiveQueries;
import io.purchasepipeline.stores.QueryResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a query for a key from any instance: from this instance's store when it owns the key,
 * else by forwarding the request to the owner. When the owner cannot answer (it died, the group is
 * rebalancing), a standby within the lag bound answers instead; when none can, 503 with
 * {@code Retry-After}. Every wait is bounded.
 */
public final class QueryRouter {

    /** Marks a request another instance forwarded, so it is never forwarded again. */
    static final String FORWARDED = "X-Forwarded-Query";
    /** Asks the receiving instance to answer from its own copy, standby or active. */
    static final String FROM_COPY = "X-Query-Copy";

    private static final Logger log = LoggerFactory.getLogger(QueryRouter.class);

    private final InteractiveQueries queries;
    private final HttpClient client;
    private final Duration forwardTimeout;

    public QueryRouter(final InteractiveQueries queries, final Duration forwardTimeout) {
        this.queries = queries;
        this.forwardTimeout = forwardTimeout;
        this.client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    }

    /**
     * The local answer for {@code key}, or null when the request was answered by forwarding it
     * (the forwarded answer is already in {@code ctx}).
     *
     * @param extraWait how much longer a forwarded request may take (a long poll's wait)
     */
    public <V> QueryResult<V> lookup(final Context ctx, final String store, final String key, final Duration extraWait)
            throws InterruptedException {
        if (!InteractiveQueries.addressable(store, key)) {
            return new QueryResult.NotFound<>();
        }
        if (ctx.header(FROM_COPY) != null) {
            return queries.getStandby(store, key);
        }
        final QueryResult<V> result = queries.get(store, key);
        if (result instanceof QueryResult.Elsewhere<V> elsewhere && ctx.header(FORWARDED) == null) {
            if (forward(ctx, elsewhere.host(), extraWait, false)) {
                return null;
            }
            log.info("Owner {} of {} could not answer; asking a standby", elsewhere.host(), key);
        } else if (!(result instanceof QueryResult.Unavailable<V>) && !(result instanceof QueryResult.Elsewhere<V>)) {
            return result;
        }
        return fromCopies(ctx, store, key);
    }

    private <V> QueryResult<V> fromCopies(final Context ctx, final String store, final String key)
            throws InterruptedException {
        final QueryResult<V> local = queries.getStandby(store, key);
        if (!(local instanceof QueryResult.Unavailable<V>) || ctx.header(FORWARDED) != null) {
            return local;
        }
        final List<HostInfo> standbys = queries.standbys(store, key);
        for (final HostInfo standby : standbys) {
            if (standby.equals(queries.self())) {
                continue;
            }
            if (forward(ctx, standby, Duration.ZERO, true)) {
                return null;
            }
        }
        return local;
    }

    /**
     * Asks {@code host} and puts its answer in {@code ctx}; false, with {@code ctx} untouched, when
     * it could not answer (unreachable, 503 itself, or failed with another 5xx), so that another copy
     * may be asked: a failure of one instance is no answer for the key.
     */
    private boolean forward(final Context ctx, final HostInfo host, final Duration extraWait, final boolean fromCopy)
            throws InterruptedException {
        final String query = ctx.queryString();
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":"
                        + host.port() + ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query)))
                .timeout(forwardTimeout.plus(extraWait))
                .header(FORWARDED, queries.self().host() + ":" + queries.self().port())
                .header(CorrelationIds.HEADER, CorrelationIds.of(ctx))
                .GET();
        if (fromCopy) {
            request.header(FROM_COPY, "true");
        }
        // the owner checks the operator routes' token itself
        final String authorization = ctx.header(Callers.AUTHORIZATION);
        if (authorization != null) {
            request.header(Callers.AUTHORIZATION, authorization);
        }
        final HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            log.debug("{} did not answer: {}", host, e.toString());
            return false;
        }
        if (response.statusCode() >= 500) {
            if (response.statusCode() != 503) {
                log.warn("{} failed to answer {} with {}", host, ctx.path(), response.statusCode());
            }
            return false;
        }
        ctx.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        response.headers().firstValue("Retry-After").ifPresent(value -> ctx.header("Retry-After", value));
        ctx.header("X-Answered-By", host.host() + ":" + host.port());
        ctx.result(response.body());
        return true;
    }
}
