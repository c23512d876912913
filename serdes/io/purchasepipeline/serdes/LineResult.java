package io.purchasepipeline.serdes;

import java.math.BigDecimal;

/** The outcome of one HOLD, sent back to the order's partition (keyed by order id). */
public record LineResult(
        String orderId,
        String sku,
        LineOutcome outcome,
        ProductKind kind,
        String productName,
        BigDecimal unitPrice,
        int quantity) {
}
