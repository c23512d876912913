package io.purchasepipeline.serdes;

/** One personalised e-book made, on {@code ebooks-generated} keyed by customer id. */
public record EbookGenerated(
        String orderId, String customerId, String sku, String file, int pages, long bytes, long at) {}
