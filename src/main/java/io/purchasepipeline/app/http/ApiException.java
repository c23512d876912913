package io.purchasepipeline.app.http;

import java.util.List;

/** A request the API answers with a 4xx or 503 and a JSON body {@code {"error","details"}}. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final List<String> details;
    private final Integer retryAfterSeconds;

    public ApiException(final int status, final String error, final List<String> details) {
        this(status, error, details, null);
    }

    private ApiException(final int status, final String error, final List<String> details, final Integer retryAfterSeconds) {
        super(error);
        this.status = status;
        this.details = List.copyOf(details);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(final String error, final List<String> details) {
        return new ApiException(400, error, details);
    }

    public static ApiException notFound(final String what) {
        return new ApiException(404, "not found", List.of(what));
    }

    /** The route needs the admin token; answered with {@code WWW-Authenticate: Bearer}. */
    public static ApiException unauthorized(final String detail) {
        return new ApiException(401, "unauthorized", List.of(detail));
    }

    /** Nothing is wrong with the request; the answer is not to be had now. */
    public static ApiException unavailable(final String reason, final int retryAfterSeconds) {
        return new ApiException(503, "unavailable", List.of(reason), retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public List<String> details() {
        return details;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
