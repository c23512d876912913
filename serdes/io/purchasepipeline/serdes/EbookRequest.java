package io.purchasepipeline.serdes;

/** A personalised e-book to make for one DIGITAL line, on {@code ebook-requests} keyed by customer id. */
public record EbookRequest(
        String orderId, String customerId, String customerName, String email, String sku, String title) {}
