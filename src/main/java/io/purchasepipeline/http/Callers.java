package io.purchasepipeline.http;

import io.javalin.http.Context;

/** Who the caller of a route is, and whether they may call it, from the request's token and address. */
final class Callers {

    static final String AUTHORIZATION = "Authorization";

    private final HttpAccess access;

    Callers(final HttpAccess access) {
        this.access = access;
    }

    /** The verified customer; null when tokens are off and the customer routes trust the caller. */
    String customer(final Context ctx) {
        return access.customers().required()
                ? access.customers().verify(ctx.header(AUTHORIZATION)).subject()
                : null;
    }

    /**
     * Whose orders the caller may read: null for anyone's (tokens off, or an operator: the operator
     * page opens any order's trail), else the verified customer's own.
     */
    String orderReader(final Context ctx) {
        final String authorization = ctx.header(AUTHORIZATION);
        if (!access.customers().required() || access.admin().accepts(authorization)) {
            return null;
        }
        final CustomerTokens.Caller caller = access.customers().verify(authorization);
        return caller.admin() ? null : caller.subject();
    }

    /**
     * {@link #customer}, within the per-client limits: the address's share is taken before the
     * token is verified, so a flood costs no signature checks.
     */
    String customerWithinLimits(final Context ctx) {
        access.limits().admitAddress(ctx.ip());
        final String customer = customer(ctx);
        access.limits().admitCustomer(customer);
        return customer;
    }

    /** The operator routes: the admin token, or a customer token with the admin role; open when neither is set. */
    void operator(final Context ctx) {
        final String authorization = ctx.header(AUTHORIZATION);
        if (!access.customers().required() || access.admin().accepts(authorization)) {
            access.admin().check(authorization);
            return;
        }
        if (!access.customers().verify(authorization).admin()) {
            throw ApiException.insufficientRole("this route needs the " + CustomerTokens.ADMIN_ROLE + " role");
        }
    }
}
