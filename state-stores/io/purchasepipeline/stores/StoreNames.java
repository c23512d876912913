package io.purchasepipeline.stores;

/** Every state store's name: the changelog topics and interactive queries are derived from these. */
public final class StoreNames {

    /** Customers with a fraudulent order (the flagged-customers table). */
    public static final String FLAGGED_CUSTOMERS = "flagged-customers";
    /** Per SKU: kind, price and the available / held / sold counts, or the seat's holder. */
    public static final String INVENTORY = "inventory";
    /** Per order, in its customer's task: status, lines, payment and audit trail. */
    public static final String ORDERS = "order-status";
    /**
     * Per customer's task, in memory: open orders by placement (expiry), payment retries, each
     * customer's orders of the velocity window; made from {@link #ORDERS}.
     */
    public static final String ORDER_INDEX = "order-index";
    /** Per customer's task: its orders by placement time, for their retention ({@link OrderExpiry}). */
    public static final String ORDER_EXPIRY = "order-expiry";
    /** Per customer's task: the orders' window counts not yet sent on to the analytics totals. */
    public static final String ANALYTICS_ORDER_TALLY = "analytics-order-tally";
    /** Per input partition of the workers' reports: the window counts not yet sent on to the analytics totals. */
    public static final String ANALYTICS_TALLY = "analytics-tally";
    /** The totals of the windows still open. */
    public static final String ANALYTICS_WINDOWS = "analytics-windows";
    /** What {@code GET /analytics} answers: key {@code AnalyticsSnapshot.KEY}. */
    public static final String ANALYTICS = "analytics";
    /** Every instance's copy of the product definitions (prices for the fraud check). */
    public static final String PRODUCT_CATALOG = "product-catalog";

    private StoreNames() {}
}
