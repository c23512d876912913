package io.purchasepipeline.http;

import static io.purchasepipeline.http.Responses.answer;
import static io.purchasepipeline.http.Responses.json;

import io.javalin.http.Context;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.stores.Inventory;
import io.purchasepipeline.stores.QueryResult;
import io.purchasepipeline.stores.StoreNames;
import java.time.Duration;
import java.util.List;

/** {@code /api/v1/seats/{id}}: a seat, and its reservation made or released through its owner task. */
record SeatRoutes(SeatCommandSender seats, QueryRouter queries, Callers callers, KafkaWrites writes) {

    void get(final Context ctx) throws InterruptedException {
        final String seatId = ctx.pathParam("id");
        final QueryResult<Inventory> result = queries.lookup(ctx, StoreNames.INVENTORY, seatId, Duration.ZERO);
        if (result instanceof QueryResult.Found<Inventory> found
                && found.value().kind() != ProductKind.SEAT) {
            throw ApiException.notFound("seat " + seatId);
        }
        answer(ctx, result, "seat " + seatId, QueryResponses::seat);
    }

    void reserve(final Context ctx) throws InterruptedException {
        final SeatResult result = send(ctx, SeatAction.RESERVE);
        switch (result.outcome()) {
            case RESERVED -> {
                ctx.status(201).header("Location", "/api/v1/seats/" + result.seatId());
                json(ctx, new QueryResponses.SeatView(result.seatId(), true, result.reservedFor()));
            }
            case ALREADY_RESERVED ->
                throw new ApiException(422, "already reserved", List.of("seat " + result.seatId() + " is reserved"));
            default -> throw ApiException.notFound("seat " + result.seatId());
        }
    }

    void release(final Context ctx) throws InterruptedException {
        final SeatResult result = send(ctx, SeatAction.RELEASE);
        switch (result.outcome()) {
            case RELEASED -> ctx.status(204);
            case RESERVED_BY_OTHER ->
                throw new ApiException(
                        409,
                        "reserved by someone else",
                        List.of("seat " + result.seatId() + " is not reserved for " + result.user()));
            case NOT_RESERVED -> throw ApiException.notFound("reservation of seat " + result.seatId());
            default -> throw ApiException.notFound("seat " + result.seatId());
        }
    }

    private SeatResult send(final Context ctx, final SeatAction action) throws InterruptedException {
        final String user = user(ctx, callers.customerWithinLimits(ctx));
        writes.refuseWhileKafkaIsDown();
        return seats.send(ctx.pathParam("id"), user, action, CorrelationIds.of(ctx));
    }

    /** The seat routes' user: the verified customer (a {@code user} naming another is 403), else the parameter. */
    private static String user(final Context ctx, final String customer) {
        final String user = ctx.queryParam("user");
        if (customer != null) {
            if (user != null && !user.equals(customer)) {
                throw ApiException.forbidden(
                        "user: a seat can only be reserved or released for the token's own subject");
            }
            return customer;
        }
        if (user == null || user.isBlank() || !OrderSubmission.ID.matcher(user).matches()) {
            throw ApiException.badRequest("invalid user", List.of("user: 1 to 64 letters, digits or ._:@-"));
        }
        return user;
    }
}
