package io.purchasepipeline.topology.payment;

import java.math.BigDecimal;

/**
 * A card payment provider. {@code idempotencyKey} is the order id: a charge repeated with the same
 * key (a step replayed after a crash, a retry after a time-out) returns the first answer and
 * charges nothing more, which is what lets the pipeline charge each order exactly once.
 */
public interface PaymentGateway {

    PaymentResult charge(String idempotencyKey, BigDecimal amount, String card) throws PaymentUnavailableException;
}
