package io.purchasepipeline.serdes;

/** One e-book an order bought: the DIGITAL line's SKU and the book's title. */
public record EbookTitle(String sku, String title) {}
