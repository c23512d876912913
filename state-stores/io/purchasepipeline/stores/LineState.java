package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.ProductKind;
import java.math.BigDecimal;

/** One SKU of an order (lines for the same SKU merged) and what its HOLD did; null outcome while waiting. */
public record LineState(String sku, int quantity, LineOutcome outcome, ProductKind kind, String name, BigDecimal unitPrice) {

    public LineState answered(final LineResult result) {
        return new LineState(sku, quantity, result.outcome(), result.kind(), result.productName(), result.unitPrice());
    }

    public boolean waiting() {
        return outcome == null;
    }

    public boolean held() {
        return outcome != null && outcome.held();
    }

    public BigDecimal amount() {
        return unitPrice == null ? BigDecimal.ZERO : unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
