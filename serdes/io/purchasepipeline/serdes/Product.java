package io.purchasepipeline.serdes;

import java.math.BigDecimal;

/**
 * A product definition, the value on {@code catalog} (keyed by SKU, compacted). {@code stock} is
 * the total number of units ever stocked for a PHYSICAL SKU: an absolute figure, so a restock
 * never races a sale and compaction keeps the truth. It is ignored for SEAT (always one) and
 * DIGITAL (unlimited).
 */
public record Product(String sku, String name, ProductKind kind, BigDecimal price, Long stock) {}
