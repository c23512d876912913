package io.purchasepipeline.serdes;

/** One line of an order: how many units of one SKU. */
public record OrderLine(String sku, int quantity) {}
