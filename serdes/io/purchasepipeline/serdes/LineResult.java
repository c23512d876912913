package io.purchasepipeline.serdes;

import java.math.BigDecimal;

/**
 * The outcome of one HOLD, on {@code reservation-results} keyed by the order's customer id, so that
 * it comes back to the task that owns the order.
 */
public record LineResult(
        String orderId,
        String customerId,
        String sku,
        LineOutcome outcome,
        ProductKind kind,
        String productName,
        BigDecimal unitPrice,
        int quantity) {}
