package io.purchasepipeline.serdes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;

/**
 * One line of the order an email is about: the product as the catalog named and priced it, how
 * many, and, in an email about an order that could not be filled, what its hold did.
 *
 * @param name null when the catalog did not know the SKU
 * @param unitPrice null when the catalog had no price for it yet
 * @param outcome null unless the line is why the order ended (a line that could not be held)
 */
public record EmailLine(String sku, String name, int quantity, BigDecimal unitPrice, LineOutcome outcome) {

    /** The line's amount; null without a unit price. */
    @JsonIgnore
    public BigDecimal amount() {
        return unitPrice == null ? null : unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
