package io.purchasepipeline.http;

import static io.purchasepipeline.http.Responses.answer;
import static io.purchasepipeline.http.Responses.json;

import io.javalin.http.Context;
import io.purchasepipeline.serdes.FlagAction;
import io.purchasepipeline.serdes.FlagCommand;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.StoreNames;
import java.time.Duration;
import java.util.Map;

/** {@code /customers/{id}/flag}: an operator flags a customer as a fraud risk, clears the flag, or reads it. */
record CustomerFlagRoutes(QueryRouter queries, Callers callers, KafkaWrites writes) {

    void flag(final Context ctx) throws InterruptedException {
        callers.operator(ctx);
        final byte[] bytes = RequestBodies.bytes(ctx);
        // the body is optional: a flag without a reason
        change(
                ctx,
                FlagRequests.flag(
                        ctx.pathParam("id"),
                        bytes.length == 0
                                ? new FlagRequests.PutFlag(null)
                                : RequestBodies.parse(bytes, FlagRequests.PutFlag.class)));
    }

    void clear(final Context ctx) throws InterruptedException {
        callers.operator(ctx);
        change(ctx, new FlagCommand(FlagRequests.customerId(ctx.pathParam("id")), FlagAction.CLEAR, null));
    }

    void get(final Context ctx) throws InterruptedException {
        callers.operator(ctx);
        final String customerId = FlagRequests.customerId(ctx.pathParam("id"));
        answer(
                ctx,
                queries.<String>lookup(ctx, StoreNames.FLAGGED_CUSTOMERS, customerId, Duration.ZERO),
                "flag of customer " + customerId,
                reason -> new QueryResponses.FlagView(customerId, true, reason));
    }

    /** The change goes to the customer's fraud-check task, in order with the customer's orders. */
    private void change(final Context ctx, final FlagCommand change) throws InterruptedException {
        writes.publish(Topics.CUSTOMER_FLAGS, change.customerId(), change, ctx, "the flag change");
        ctx.status(202).header("Location", "/customers/" + change.customerId() + "/flag");
        json(
                ctx,
                Map.of(
                        "customerId",
                        change.customerId(),
                        "action",
                        change.action().name(),
                        "status",
                        "ACCEPTED"));
    }
}
