package io.purchasepipeline.http;

/**
 * Who may call which route, and how often: the operator token, the customers' bearer tokens, and
 * the per-client limits of the routes that write.
 */
public record HttpAccess(AdminAuth admin, CustomerTokens customers, ClientLimits limits) {

    /** Everything open, no limits: the routes as they were before tokens. */
    public static HttpAccess open() {
        return new HttpAccess(AdminAuth.open(), CustomerTokens.off(), ClientLimits.off());
    }

    /** Only the operator routes guarded, by {@code admin}. */
    public static HttpAccess admin(final AdminAuth admin) {
        return new HttpAccess(admin, CustomerTokens.off(), ClientLimits.off());
    }

    public HttpAccess withCustomers(final CustomerTokens tokens) {
        return new HttpAccess(admin, tokens, limits);
    }

    public HttpAccess withLimits(final ClientLimits clientLimits) {
        return new HttpAccess(admin, customers, clientLimits);
    }
}
