package io.purchasepipeline.topology.payment;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in gateway, with the usual test cards: {@value #APPROVED_CARD} approved,
 * {@value #DECLINED_CARD} declined, {@value #INSUFFICIENT_FUNDS_CARD} insufficient funds,
 * {@value #UNAVAILABLE_CARD} no answer (the gateway is down for it), any other Luhn-valid number
 * approved, a Luhn-invalid one declined; each also in its masked form ({@link Cards#mask}), which
 * is what the pipeline carries. Like a real gateway it keeps every idempotency key's
 * answer and counts what it actually charged, which tests and {@code verify} read.
 */
public final class PaymentSimulator implements PaymentGateway {

    public static final String APPROVED_CARD = "4242424242424242";
    public static final String DECLINED_CARD = "4000000000000002";
    public static final String INSUFFICIENT_FUNDS_CARD = "4000000000009995";
    public static final String UNAVAILABLE_CARD = "4000000000000119";

    private final Map<String, PaymentResult> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> charges = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    @Override
    public PaymentResult charge(final String idempotencyKey, final BigDecimal amount, final String card)
            throws PaymentUnavailableException {
        final String digits = card == null ? "" : card.replaceAll("[ -]", "");
        if (Cards.matches(digits, UNAVAILABLE_CARD)) {
            throw new PaymentUnavailableException("gateway did not answer for " + idempotencyKey);
        }
        return answers.computeIfAbsent(idempotencyKey, key -> {
            final PaymentOutcome outcome = decide(digits);
            if (outcome.approved()) {
                charges.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }
            return new PaymentResult("pay-" + sequence.incrementAndGet(), outcome);
        });
    }

    /** How many times the order behind {@code idempotencyKey} was really charged. */
    public long chargesFor(final String idempotencyKey) {
        final AtomicLong count = charges.get(idempotencyKey);
        return count == null ? 0 : count.get();
    }

    /** Every key charged more than once; empty when nothing was double-charged. */
    public Map<String, Long> doubleCharges() {
        final Map<String, Long> doubled = new java.util.TreeMap<>();
        charges.forEach((key, count) -> {
            if (count.get() > 1) {
                doubled.put(key, count.get());
            }
        });
        return doubled;
    }

    /** Masked numbers were checked whole at intake; a full one is checked here. */
    private static PaymentOutcome decide(final String card) {
        if (Cards.matches(card, DECLINED_CARD)) {
            return PaymentOutcome.DECLINED;
        }
        if (Cards.matches(card, INSUFFICIENT_FUNDS_CARD)) {
            return PaymentOutcome.INSUFFICIENT_FUNDS;
        }
        return Cards.masked(card) || Luhn.valid(card) ? PaymentOutcome.APPROVED : PaymentOutcome.DECLINED;
    }
}
