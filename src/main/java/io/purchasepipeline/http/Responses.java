package io.purchasepipeline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.stores.QueryResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Writing an answer: a value as JSON, a query's result, or an error as {@code {"error","details"}}. */
final class Responses {

    private static final String JSON = "application/json";

    private Responses() {}

    static void json(final Context ctx, final Object value) {
        try {
            ctx.contentType(JSON).result(JsonSerde.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
        }
    }

    /** Renders a lookup's result; null means the request was forwarded and is already answered. */
    static <V> void answer(
            final Context ctx, final QueryResult<V> result, final String what, final Function<V, Object> render) {
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

    static void apiError(final ApiException e, final Context ctx) {
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", e.retryAfterSeconds().toString());
        }
        if (e.challenge() != null) {
            ctx.header("WWW-Authenticate", e.challenge());
        }
        error(ctx, e.status(), e.getMessage(), e.details());
    }

    /** The framework's own refusals (no such route, body too large) in the API's error shape. */
    static void frameworkError(final Context ctx, final HttpResponseException e) {
        switch (e.getStatus()) {
            case 404 -> error(ctx, 404, "not found", List.of("no route " + ctx.method() + " " + ctx.path()));
            case 405 -> methodNotAllowed(ctx);
            case 413 -> error(ctx, 413, "body too large", List.of("at most " + HttpLimits.MAX_BODY_BYTES + " bytes"));
            default -> error(ctx, e.getStatus(), e.getMessage(), List.of(e.getMessage()));
        }
    }

    static void methodNotAllowed(final Context ctx) {
        error(ctx, 405, "method not allowed", List.of(ctx.method() + " is not allowed on " + ctx.path()));
    }

    static void error(final Context ctx, final int status, final String error, final List<String> details) {
        json(ctx.status(status), new ErrorBody(error, new ArrayList<>(details)));
    }
}
