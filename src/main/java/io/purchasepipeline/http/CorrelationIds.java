package io.purchasepipeline.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;

/** The request's correlation id: taken from the client when it sends a sane one, else made here. */
final class CorrelationIds {

    static final String HEADER = "X-Correlation-Id";
    private static final Pattern SANE = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private CorrelationIds() {}

    static String of(final Context ctx) {
        final String known = ctx.attribute(HEADER);
        if (known != null) {
            return known;
        }
        final String given = ctx.header(HEADER);
        final String id = given != null && SANE.matcher(given).matches()
                ? given
                : UUID.randomUUID().toString();
        ctx.attribute(HEADER, id);
        return id;
    }
}
