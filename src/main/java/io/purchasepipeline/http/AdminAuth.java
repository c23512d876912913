package io.purchasepipeline.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Who may use the operator routes (product definitions, fraud flags): anyone who shows the admin
 * token as {@code Authorization: Bearer <token>}, or anyone at all when no token is configured.
 * The token is compared in constant time (as digests, so not even its length leaks) and never
 * appears in a log, an error or {@link #toString()}.
 */
public final class AdminAuth {

    private static final String SCHEME = "bearer ";

    /** Null when the routes are open. */
    private final byte[] tokenDigest;

    private AdminAuth(final byte[] tokenDigest) {
        this.tokenDigest = tokenDigest;
    }

    /** The operator routes need no token. */
    public static AdminAuth open() {
        return new AdminAuth(null);
    }

    /** The operator routes need {@code token}; null or blank leaves them open. */
    public static AdminAuth of(final String token) {
        return token == null || token.isBlank() ? open() : new AdminAuth(digest(token.strip()));
    }

    public boolean required() {
        return tokenDigest != null;
    }

    /**
     * Lets the request through, or refuses it with 401.
     *
     * @param authorization the request's {@code Authorization} header, null when it has none
     */
    void check(final String authorization) {
        if (tokenDigest == null) {
            return;
        }
        if (bearer(authorization) == null) {
            throw ApiException.unauthorized("this route needs Authorization: Bearer <admin token>");
        }
        if (!accepts(authorization)) {
            throw ApiException.unauthorized("the admin token is not valid");
        }
    }

    /** True when a token is set and {@code authorization} shows it (compared in constant time). */
    boolean accepts(final String authorization) {
        final String token = bearer(authorization);
        return tokenDigest != null && token != null && MessageDigest.isEqual(tokenDigest, digest(token));
    }

    /** The credentials of an {@code Authorization: Bearer} header (the scheme in any case), else null. */
    static String bearer(final String authorization) {
        if (authorization == null
                || authorization.length() <= SCHEME.length()
                || !authorization
                        .substring(0, SCHEME.length())
                        .toLowerCase(Locale.ROOT)
                        .equals(SCHEME)) {
            return null;
        }
        final String token = authorization.substring(SCHEME.length()).strip();
        return token.isEmpty() ? null : token;
    }

    private static byte[] digest(final String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return required() ? "admin routes need a bearer token" : "admin routes open";
    }
}
