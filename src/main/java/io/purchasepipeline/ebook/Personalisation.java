package io.purchasepipeline.ebook;

/**
 * Everything that makes one buyer's copy of an e-book what it is. The PDF is a pure function of
 * these fields, which is what lets any instance make the same file again, byte for byte.
 */
public record Personalisation(String orderId, String customerId, String customerName, String sku, String title) {}
