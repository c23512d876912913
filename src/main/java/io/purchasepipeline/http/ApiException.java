package io.purchasepipeline.http;

import java.util.List;

/** A request the API answers with a 4xx or 503 and a JSON body {@code {"error","details"}}. */
public final class ApiException extends RuntimeException {

    private static final String BEARER = "Bearer realm=\"purchase-pipeline\"";

    private final int status;
    private final List<String> details;
    private final Integer retryAfterSeconds;
    /** The {@code WWW-Authenticate} challenge (RFC 6750) that goes with a 401 or 403, null for none. */
    private final String challenge;

    public ApiException(final int status, final String error, final List<String> details) {
        this(status, error, details, null, null);
    }

    private ApiException(
            final int status,
            final String error,
            final List<String> details,
            final Integer retryAfterSeconds,
            final String challenge) {
        super(error);
        this.status = status;
        this.details = List.copyOf(details);
        this.retryAfterSeconds = retryAfterSeconds;
        this.challenge = challenge;
    }

    public static ApiException badRequest(final String error, final List<String> details) {
        return new ApiException(400, error, details);
    }

    public static ApiException notFound(final String what) {
        return new ApiException(404, "not found", List.of(what));
    }

    /** The route needs a bearer token and the request has none; answered with {@code WWW-Authenticate: Bearer realm}. */
    public static ApiException unauthorized(final String detail) {
        return new ApiException(401, "unauthorized", List.of(detail), null, BEARER);
    }

    /**
     * The request's bearer token is not accepted (malformed, not signed by a configured key,
     * expired, for another issuer or audience): RFC 6750's {@code invalid_token}. The description
     * is ours and fixed, never a piece of the token.
     */
    public static ApiException invalidToken(final String description) {
        return new ApiException(
                401,
                "unauthorized",
                List.of(description),
                null,
                BEARER + ", error=\"invalid_token\", error_description=\"" + description + "\"");
    }

    /** A valid token without the role the route needs: RFC 6750's {@code insufficient_scope}. */
    public static ApiException insufficientRole(final String description) {
        return new ApiException(
                403,
                "forbidden",
                List.of(description),
                null,
                BEARER + ", error=\"insufficient_scope\", error_description=\"" + description + "\"");
    }

    /** The caller is known, and what it asks for is another's to ask. */
    public static ApiException forbidden(final String detail) {
        return new ApiException(403, "forbidden", List.of(detail));
    }

    /** The client sent more than its share; it may try again after {@code retryAfterSeconds}. */
    public static ApiException tooManyRequests(final String detail, final long retryAfterSeconds) {
        return new ApiException(
                429, "too many requests", List.of(detail), (int) Math.min(Integer.MAX_VALUE, retryAfterSeconds), null);
    }

    /** Nothing is wrong with the request; the answer is not to be had now. */
    public static ApiException unavailable(final String reason, final int retryAfterSeconds) {
        return new ApiException(503, "unavailable", List.of(reason), retryAfterSeconds, null);
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

    public String challenge() {
        return challenge;
    }
}
