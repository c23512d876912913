package io.purchasepipeline.stores;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.ProductKind;
import java.math.BigDecimal;

/**
 * One SKU of an order (lines for the same SKU merged) at the catalog's price when the order was
 * placed, and what its HOLD did: a null outcome while the answer is on its way.
 */
public record LineState(
        String sku, int quantity, BigDecimal unitPrice, LineOutcome outcome, ProductKind kind, String name) {

    public LineState answered(final LineOutcome answer, final ProductKind answeredKind, final String answeredName) {
        return new LineState(sku, quantity, unitPrice, answer, answeredKind, answeredName);
    }

    @JsonIgnore
    public boolean waiting() {
        return outcome == null;
    }

    @JsonIgnore
    public boolean held() {
        return outcome != null && outcome.held();
    }

    @JsonIgnore
    public BigDecimal amount() {
        return unitPrice == null ? BigDecimal.ZERO : unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
