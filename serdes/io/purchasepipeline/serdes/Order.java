package io.purchasepipeline.serdes;

import java.util.List;

/** An order as the storefront placed it; the value on {@code orders}, keyed by customer id. */
public record Order(
        String orderId,
        String customerId,
        String customerName,
        String email,
        List<OrderLine> items,
        PaymentDetails payment) {

    public Order {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
