package io.purchasepipeline.serdes;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * An order with the fraud check's verdict, on its way to the order's state machine in the same
 * task. {@code unitPrices} and {@code productNames} are the catalog's when the order was checked (a
 * SKU the catalog does not know yet has neither); an empty reason list means the order is clean.
 */
public record FraudCheckedOrder(
        Order order,
        Map<String, BigDecimal> unitPrices,
        BigDecimal estimatedTotal,
        List<FraudReason> reasons,
        Map<String, String> productNames) {

    public FraudCheckedOrder {
        unitPrices = unitPrices == null ? Map.of() : Map.copyOf(unitPrices);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        productNames = productNames == null ? Map.of() : Map.copyOf(productNames);
    }

    public boolean fraudulent() {
        return !reasons.isEmpty();
    }
}
