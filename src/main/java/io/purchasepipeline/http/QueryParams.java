package io.purchasepipeline.http;

import io.javalin.http.Context;
import java.util.List;

/** A request's query parameters, checked: a value out of its range is a 400 naming the range. */
final class QueryParams {

    private QueryParams() {}

    /** Parameter {@code name} as a whole number from {@code min} to {@code max}; {@code absent} when not given. */
    static int number(final Context ctx, final String name, final int absent, final int min, final int max) {
        final String value = ctx.queryParam(name);
        if (value == null) {
            return absent;
        }
        try {
            final int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid " + name, List.of(name + ": " + min + " to " + max));
    }
}
