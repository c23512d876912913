package io.purchasepipeline.http;

import static io.purchasepipeline.http.Responses.answer;
import static io.purchasepipeline.http.Responses.json;

import io.javalin.http.Context;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.QueryResult;
import io.purchasepipeline.stores.StoreNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code POST /orders}, {@code GET /orders/{id}} (optionally waiting for the order's end) and its events. */
record OrderRoutes(
        OrderSubmission intake, QueryRouter queries, OrderWaiters waiters, Callers callers, KafkaWrites writes) {

    static final int MAX_WAIT_MS = 30_000;

    void place(final Context ctx) throws InterruptedException {
        final String customer = callers.customerWithinLimits(ctx);
        writes.refuseWhileKafkaIsDown();
        final Order order = intake.place(
                forCustomer(RequestBodies.read(ctx, PlaceOrderRequest.class), customer),
                ctx.header("Idempotency-Key"),
                CorrelationIds.of(ctx));
        ctx.status(202).header("Location", "/orders/" + order.orderId());
        json(ctx, Map.of("orderId", order.orderId(), "status", "PENDING"));
    }

    void get(final Context ctx) throws InterruptedException {
        final String orderId = ctx.pathParam("id");
        final String customer = callers.orderReader(ctx);
        final long waitMs = QueryParams.number(ctx, "waitMs", 0, 0, MAX_WAIT_MS);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        final CompletableFuture<Void> ended = waiters.register(orderId);
        try {
            final QueryResult<OrderState> first =
                    queries.lookup(ctx, StoreNames.ORDERS, orderId, Duration.ofMillis(waitMs));
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

    void events(final Context ctx) throws InterruptedException {
        final String orderId = ctx.pathParam("id");
        final String customer = callers.orderReader(ctx);
        answer(
                ctx,
                owned(customer, queries.lookup(ctx, StoreNames.ORDERS, orderId, Duration.ZERO)),
                "order " + orderId,
                OrderState::events);
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
        if (customer != null
                && result instanceof QueryResult.Found<OrderState> found
                && !customer.equals(found.value().order().customerId())) {
            return new QueryResult.NotFound<>();
        }
        return result;
    }

    private static boolean ended(final QueryResult<OrderState> result) {
        return result instanceof QueryResult.Found<OrderState> found
                && found.value().status().terminal();
    }

    private static void awaitEnd(final CompletableFuture<Void> ended, final long deadline) throws InterruptedException {
        try {
            ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the order did not end in time: the current state is the answer
        }
    }
}
