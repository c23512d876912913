package io.purchasepipeline.serdes;

/** How a SKU is reserved. */
public enum ProductKind {
    /** Counted stock: a line holds {@code quantity} units. */
    PHYSICAL,
    /** One unique seat, held by at most one order or user at a time. */
    SEAT,
    /** Unlimited: nothing to hold. */
    DIGITAL
}
