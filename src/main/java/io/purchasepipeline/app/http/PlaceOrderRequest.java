package io.purchasepipeline.app.http;

import java.util.List;

/** The body of {@code POST /orders}, as the storefront sends it. */
public record PlaceOrderRequest(String customerId, String customerName, String email, List<Item> items, Payment payment) {

    public record Item(String sku, Integer quantity) {
    }

    public record Payment(String card) {
    }
}
