package io.purchasepipeline.payment;

import io.purchasepipeline.runtime.DaemonScheduler;
import io.purchasepipeline.serdes.PaymentStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The built-in gateway, with the usual test cards: {@value #APPROVED_CARD} approved,
 * {@value #DECLINED_CARD} declined, {@value #INSUFFICIENT_FUNDS_CARD} insufficient funds,
 * {@value #UNAVAILABLE_CARD} no answer (the gateway is down for it), any other Luhn-valid number
 * approved, a Luhn-invalid one declined; each also in its masked form ({@link Cards#mask}), which
 * is what the pipeline carries.
 *
 * <p>Like a real gateway it keeps every idempotency key's answer (the same key asked again gets
 * the same answer and moves no money), refuses to capture an authorisation that is unknown, voided
 * or captured already, and to void one that was captured. It also counts, per order, what it was
 * asked to do under new keys, and {@link #doubleCharges()} names every order authorised twice,
 * captured twice, or captured after its void: a real gateway would refuse some of these, but each
 * is a mistake of the caller. The order is read from the key as the pipeline makes it
 * ({@code <order id>/<operation>}).
 *
 * <p>Answers take {@link Behaviour#latency} plus a random share of {@link Behaviour#jitter}, and
 * {@link Behaviour#timeoutShare} of them are lost: the gateway did the operation, but its answer
 * never comes, so only a retry under the same key tells the caller what happened. Answers are
 * delivered by one scheduler thread, however many calls are in flight.
 */
public final class PaymentSimulator implements PaymentGateway, AutoCloseable {

    public static final String APPROVED_CARD = "4242424242424242";
    public static final String DECLINED_CARD = "4000000000000002";
    public static final String INSUFFICIENT_FUNDS_CARD = "4000000000009995";
    public static final String UNAVAILABLE_CARD = "4000000000000119";

    /**
     * How the simulated gateway answers.
     *
     * @param latency the time every answer takes
     * @param jitter up to this much more, uniformly at random
     * @param timeoutShare between 0 and 1: the share of calls whose answer is lost
     * @param seed of the random jitter and losses, for runs that can be repeated
     */
    public record Behaviour(Duration latency, Duration jitter, double timeoutShare, long seed) {

        /** Answers at once, none lost. */
        public static final Behaviour INSTANT = new Behaviour(Duration.ZERO, Duration.ZERO, 0, 1);

        public Behaviour {
            if (latency == null || latency.isNegative() || jitter == null || jitter.isNegative()) {
                throw new IllegalArgumentException("latency and jitter must be zero or more");
            }
            if (!(timeoutShare >= 0 && timeoutShare <= 1)) {
                throw new IllegalArgumentException(
                        "the share of time-outs must be between 0 and 1, not " + timeoutShare);
            }
        }

        boolean instant() {
            return latency.isZero() && jitter.isZero();
        }
    }

    private enum AuthorisationState {
        AUTHORISED,
        CAPTURED,
        VOIDED
    }

    private static final class Authorisation {
        final String orderId;
        AuthorisationState state = AuthorisationState.AUTHORISED;

        Authorisation(final String orderId) {
            this.orderId = orderId;
        }
    }

    private static final class Counts {
        long authorisations;
        long captures;
        long voids;
        boolean capturedAfterVoid;
    }

    private final Behaviour behaviour;
    /** Null when answers come at once. */
    private final ScheduledExecutorService scheduler;

    private final Random random;
    // guarded by this
    private final Map<String, GatewayAnswer> answers = new HashMap<>();
    private final Map<String, Authorisation> authorisations = new HashMap<>();
    private final Map<String, Counts> counts = new HashMap<>();
    private long sequence;
    private long calls;

    public PaymentSimulator() {
        this(Behaviour.INSTANT);
    }

    public PaymentSimulator(final Behaviour behaviour) {
        this.behaviour = behaviour;
        this.random = new Random(behaviour.seed());
        this.scheduler = behaviour.instant() && behaviour.timeoutShare() == 0
                ? null
                : DaemonScheduler.named("payment-simulator");
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    @Override
    public CompletableFuture<GatewayAnswer> authorise(
            final String idempotencyKey, final BigDecimal amount, final String currency, final String card) {
        final String digits = card == null ? "" : card.replaceAll("[ -]", "");
        if (Cards.matches(digits, UNAVAILABLE_CARD)) {
            return deliver(null, new PaymentUnavailableException("the gateway does not answer for this card"));
        }
        synchronized (this) {
            calls++;
            return deliver(
                    answers.computeIfAbsent(idempotencyKey, key -> {
                        final PaymentStatus status = positive(amount) ? decide(digits) : PaymentStatus.DECLINED;
                        final String id = "auth-" + ++sequence;
                        if (status.approved()) {
                            authorisations.put(id, new Authorisation(orderOf(key)));
                            countsOf(orderOf(key)).authorisations++;
                        }
                        return new GatewayAnswer(id, status);
                    }),
                    null);
        }
    }

    @Override
    public CompletableFuture<GatewayAnswer> capture(
            final String idempotencyKey, final String authorisationId, final BigDecimal amount, final String currency) {
        synchronized (this) {
            calls++;
            return deliver(
                    answers.computeIfAbsent(idempotencyKey, key -> {
                        final String id = "cap-" + ++sequence;
                        final Authorisation authorisation = authorisations.get(authorisationId);
                        if (authorisation == null) {
                            return new GatewayAnswer(id, PaymentStatus.DECLINED);
                        }
                        final Counts order = countsOf(authorisation.orderId);
                        order.captures++;
                        if (authorisation.state == AuthorisationState.VOIDED) {
                            order.capturedAfterVoid = true;
                        }
                        if (authorisation.state != AuthorisationState.AUTHORISED || !positive(amount)) {
                            return new GatewayAnswer(id, PaymentStatus.DECLINED);
                        }
                        authorisation.state = AuthorisationState.CAPTURED;
                        return new GatewayAnswer(id, PaymentStatus.APPROVED);
                    }),
                    null);
        }
    }

    @Override
    public CompletableFuture<GatewayAnswer> voidAuthorisation(
            final String idempotencyKey, final String authorisationId) {
        synchronized (this) {
            calls++;
            return deliver(
                    answers.computeIfAbsent(idempotencyKey, key -> {
                        final String id = "void-" + ++sequence;
                        final Authorisation authorisation = authorisations.get(authorisationId);
                        if (authorisation == null) {
                            return new GatewayAnswer(id, PaymentStatus.DECLINED);
                        }
                        countsOf(authorisation.orderId).voids++;
                        if (authorisation.state == AuthorisationState.CAPTURED) {
                            return new GatewayAnswer(id, PaymentStatus.DECLINED);
                        }
                        authorisation.state = AuthorisationState.VOIDED;
                        return new GatewayAnswer(id, PaymentStatus.APPROVED);
                    }),
                    null);
        }
    }

    /** Approved authorisations of {@code orderId} under different keys: more than one is a double charge. */
    public synchronized long authorisations(final String orderId) {
        final Counts order = counts.get(orderId);
        return order == null ? 0 : order.authorisations;
    }

    /** Captures asked for {@code orderId}'s authorisations under different keys: more than one is a double charge. */
    public synchronized long captures(final String orderId) {
        final Counts order = counts.get(orderId);
        return order == null ? 0 : order.captures;
    }

    /** Voids asked for {@code orderId}'s authorisations under different keys. */
    public synchronized long voids(final String orderId) {
        final Counts order = counts.get(orderId);
        return order == null ? 0 : order.voids;
    }

    /** Every call, replays included. */
    public synchronized long calls() {
        return calls;
    }

    /** Every order authorised twice, captured twice or captured after its void, with what went wrong; empty when none. */
    public synchronized Map<String, String> doubleCharges() {
        final Map<String, String> doubled = new TreeMap<>();
        counts.forEach((orderId, order) -> {
            if (order.authorisations > 1 || order.captures > 1 || order.capturedAfterVoid) {
                doubled.put(
                        orderId,
                        order.authorisations + " authorisation(s), " + order.captures + " capture(s), " + order.voids
                                + " void(s)" + (order.capturedAfterVoid ? ", captured after its void" : ""));
            }
        });
        return doubled;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** The answer (or the failure) after the latency, unless it is lost on the way. */
    private CompletableFuture<GatewayAnswer> deliver(final GatewayAnswer answer, final RuntimeException failure) {
        final CompletableFuture<GatewayAnswer> future = new CompletableFuture<>();
        final boolean lost;
        final long delayNanos;
        synchronized (this) {
            lost = behaviour.timeoutShare() > 0 && random.nextDouble() < behaviour.timeoutShare();
            delayNanos = behaviour.latency().toNanos()
                    + (behaviour.jitter().isZero()
                            ? 0
                            : (long) (random.nextDouble() * behaviour.jitter().toNanos()));
        }
        if (lost) {
            return future;
        }
        final Runnable complete = () -> {
            if (failure == null) {
                future.complete(answer);
            } else {
                future.completeExceptionally(failure);
            }
        };
        if (delayNanos == 0) {
            complete.run();
        } else {
            scheduler.schedule(complete, delayNanos, TimeUnit.NANOSECONDS);
        }
        return future;
    }

    private Counts countsOf(final String orderId) {
        return counts.computeIfAbsent(orderId, id -> new Counts());
    }

    /** The pipeline's keys are {@code <order id>/<operation>}; any other key stands for an order of its own. */
    private static String orderOf(final String idempotencyKey) {
        final int slash = idempotencyKey.lastIndexOf('/');
        return slash < 0 ? idempotencyKey : idempotencyKey.substring(0, slash);
    }

    private static boolean positive(final BigDecimal amount) {
        return amount != null && amount.signum() > 0;
    }

    /** Masked numbers were checked whole at intake; a full one is checked here. */
    private static PaymentStatus decide(final String card) {
        if (Cards.matches(card, DECLINED_CARD)) {
            return PaymentStatus.DECLINED;
        }
        if (Cards.matches(card, INSUFFICIENT_FUNDS_CARD)) {
            return PaymentStatus.INSUFFICIENT_FUNDS;
        }
        return Cards.masked(card) || Luhn.valid(card) ? PaymentStatus.APPROVED : PaymentStatus.DECLINED;
    }
}
