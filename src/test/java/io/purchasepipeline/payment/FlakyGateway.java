package io.purchasepipeline.payment;

import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The simulator, except that its first authorisations get no answer: a gateway that is down, then back. */
public final class FlakyGateway implements PaymentGateway {

    private final PaymentSimulator simulator = new PaymentSimulator();
    private final AtomicInteger authorisations = new AtomicInteger();
    private final int failures;

    /** The first {@code failures} authorisations fail as unavailable. */
    public FlakyGateway(final int failures) {
        this.failures = failures;
    }

    /** Never answers an authorisation. */
    public static FlakyGateway down() {
        return new FlakyGateway(Integer.MAX_VALUE);
    }

    public PaymentSimulator simulator() {
        return simulator;
    }

    /** Authorisations asked, failed ones included. */
    public int authorisationCalls() {
        return authorisations.get();
    }

    @Override
    public CompletableFuture<GatewayAnswer> authorise(
            final String idempotencyKey, final BigDecimal amount, final String currency, final String card) {
        if (authorisations.incrementAndGet() <= failures) {
            return CompletableFuture.failedFuture(new PaymentUnavailableException("down"));
        }
        return simulator.authorise(idempotencyKey, amount, currency, card);
    }

    @Override
    public CompletableFuture<GatewayAnswer> capture(
            final String idempotencyKey, final String authorisationId, final BigDecimal amount, final String currency) {
        return simulator.capture(idempotencyKey, authorisationId, amount, currency);
    }

    @Override
    public CompletableFuture<GatewayAnswer> voidAuthorisation(
            final String idempotencyKey, final String authorisationId) {
        return simulator.voidAuthorisation(idempotencyKey, authorisationId);
    }
}
