package io.purchasepipeline.http;

import static io.purchasepipeline.http.Responses.answer;
import static io.purchasepipeline.http.Responses.json;

import io.javalin.http.Context;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.StoreNames;
import java.time.Duration;
import java.util.Map;

/** {@code PUT /products/{sku}} (an operator's) and {@code GET /products/{sku}}. */
record ProductRoutes(QueryRouter queries, Callers callers, KafkaWrites writes) {

    void put(final Context ctx) throws InterruptedException {
        callers.operator(ctx);
        final String sku = ctx.pathParam("sku");
        final Product product =
                ProductRequests.validated(sku, RequestBodies.read(ctx, ProductRequests.PutProduct.class));
        writes.publish(Topics.CATALOG, sku, product, ctx, "the product");
        ctx.status(202).header("Location", "/products/" + sku);
        json(ctx, Map.of("sku", sku, "status", "ACCEPTED"));
    }

    void get(final Context ctx) throws InterruptedException {
        final String sku = ctx.pathParam("sku");
        answer(
                ctx,
                queries.lookup(ctx, StoreNames.INVENTORY, sku, Duration.ZERO),
                "product " + sku,
                QueryResponses::product);
    }
}
