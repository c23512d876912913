package io.purchasepipeline.http;

import static io.purchasepipeline.http.Responses.answer;

import io.javalin.http.Context;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import io.purchasepipeline.stores.QueryResult;
import io.purchasepipeline.stores.StoreNames;
import java.time.Duration;

/** {@code GET /analytics}: the last windows' counts, from whichever instance keeps them. */
record AnalyticsRoutes(QueryRouter queries) {

    void get(final Context ctx) throws InterruptedException {
        final QueryResult<AnalyticsSnapshot> result =
                queries.lookup(ctx, StoreNames.ANALYTICS, AnalyticsSnapshot.KEY, Duration.ZERO);
        // nothing counted yet is an empty picture, not a missing resource
        answer(
                ctx,
                result instanceof QueryResult.NotFound<AnalyticsSnapshot>
                        ? new QueryResult.Found<>(AnalyticsSnapshot.empty())
                        : result,
                "analytics",
                snapshot -> snapshot);
    }
}
