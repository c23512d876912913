package io.purchasepipeline.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of every route, a reviewed document in the
 * jar. {@code OpenApiDescriptionTest} holds it to the routes the server registers and the statuses
 * they answer, so it cannot drift from the route table unnoticed.
 */
public final class ApiDescription {

    static final String RESOURCE = "/openapi.json";

    private final byte[] document;

    private ApiDescription(final byte[] document) {
        this.document = document;
    }

    /** Reads the document once; a jar without it is a broken build, refused at start. */
    public static ApiDescription load() {
        try (InputStream in = ApiDescription.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the jar");
            }
            return new ApiDescription(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    void serve(final Context ctx) {
        ctx.contentType("application/json").result(document);
    }
}
