package io.purchasepipeline.http;

import java.util.List;

/** The body of {@code POST /orders}, as the storefront sends it. */
public record PlaceOrderRequest(
        String customerId, String customerName, String email, List<Item> items, Payment payment) {

    /** The same order for {@code customer}. */
    public PlaceOrderRequest withCustomerId(final String customer) {
        return new PlaceOrderRequest(customer, customerName, email, items, payment);
    }

    public record Item(String sku, Integer quantity) {}

    public record Payment(String card) {}
}
