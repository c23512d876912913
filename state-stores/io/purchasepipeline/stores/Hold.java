package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.LineOutcome;

/** One order's hold on one SKU, keyed by {@link #key(String, String)}. */
public record Hold(String orderId, String sku, long quantity, HoldState state, LineOutcome outcome) {

    /** SKU first, so that all of a SKU's holds sit together in the store. */
    public static String key(final String sku, final String orderId) {
        return sku + '\u0000' + orderId;
    }
}
