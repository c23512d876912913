package io.purchasepipeline.stores;

/** Every state store's name: the changelog topics and interactive queries are derived from these. */
public final class StoreNames {

    /** Order ids seen per customer, so a replayed order is processed once. */
    public static final String SEEN_ORDERS = "seen-orders";
    /** Order times per customer for the velocity rule. */
    public static final String CUSTOMER_ORDER_TIMES = "customer-order-times";
    /** Customers with a fraudulent order (the flagged-customers table). */
    public static final String FLAGGED_CUSTOMERS = "flagged-customers";
    /** Per SKU: kind, price and the available / held / sold counts, or the seat's holder. */
    public static final String INVENTORY = "inventory";
    /** Per SKU and order: what the order holds, so confirm and release are idempotent. */
    public static final String HOLDS = "holds";
    /** Per order: its status, lines and audit trail. */
    public static final String ORDERS = "order-status";
    /** Orders waiting on holds or payment: deadlines (a range scan finds the expired) and payment retries. */
    public static final String ORDER_TIMERS = "order-timers";
    /** Per input partition: the window counts not yet sent on to the analytics totals. */
    public static final String ANALYTICS_TALLY = "analytics-tally";
    /** The totals of the windows still open. */
    public static final String ANALYTICS_WINDOWS = "analytics-windows";
    /** What {@code GET /analytics} answers: key {@code AnalyticsSnapshot.KEY}. */
    public static final String ANALYTICS = "analytics";
    /** Every instance's copy of the product definitions (prices for the fraud check). */
    public static final String PRODUCT_CATALOG = "product-catalog";

    private StoreNames() {
    }
}
