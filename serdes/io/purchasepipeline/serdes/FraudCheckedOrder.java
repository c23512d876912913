package io.purchasepipeline.serdes;

import java.math.BigDecimal;
import java.util.List;

/**
 * An order with the fraud check's verdict, on its way to the order's own partition. An empty
 * reason list means the order is clean.
 */
public record FraudCheckedOrder(Order order, BigDecimal estimatedTotal, List<FraudReason> reasons) {

    public FraudCheckedOrder {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    public boolean fraudulent() {
        return !reasons.isEmpty();
    }
}
