package io.purchasepipeline.serdes;

import java.util.List;

/**
 * Every topic the pipeline reads or writes, each with its serdes. Public topics are part of the
 * product contract; the others are the pipeline's own but still provisioned up front because the
 * topology loops through them (orders send commands back to the SKU partitions) or reads them
 * into a global store.
 */
public final class Topics {

    /** Orders from the storefront, keyed by customer id. */
    public static final Topic<Order> ORDERS = Topic.json("orders", Order.class);
    /** Product definitions, keyed by SKU; compacted. */
    public static final Topic<Product> CATALOG = Topic.json("catalog", Product.class);
    /** Direct seat commands, keyed by seat id (the seat's SKU). */
    public static final Topic<SeatCommand> SEAT_RESERVATIONS = Topic.json("seat-reservations", SeatCommand.class);
    /** Every state change of every order, keyed by order id. */
    public static final Topic<OrderEvent> ORDER_EVENTS = Topic.json("order-events", OrderEvent.class);
    /** Emails to deliver, keyed by email id. */
    public static final Topic<EmailRequest> EMAILS = Topic.json("emails", EmailRequest.class);
    /** Rates that left their band, keyed by metric. */
    public static final Topic<Alert> ALERTS = Topic.json("alerts", Alert.class);
    /** What became of each email (the mail sender's ledger), keyed by email id. */
    public static final Topic<EmailOutcome> EMAIL_OUTCOMES = Topic.json("email-outcomes", EmailOutcome.class);
    /**
     * The mail sender's final outcomes counted per transaction, for analytics; no key, on the
     * partition number of the emails counted (the first, when a transaction spans several).
     */
    public static final Topic<EmailCounts> EMAIL_COUNTS = Topic.json("email-counts", EmailCounts.class);
    /** Payment operations for the payment workers, keyed by customer id. */
    public static final Topic<PaymentRequest> PAYMENT_REQUESTS = Topic.json("payment-requests", PaymentRequest.class);
    /** The payment workers' answers, keyed by customer id (co-partitioned with {@link #ORDERS}). */
    public static final Topic<PaymentResult> PAYMENT_RESULTS = Topic.json("payment-results", PaymentResult.class);
    /** Records that could not be read or processed, with the reason in headers. */
    public static final String DEAD_LETTERS = "dead-letters";

    /** Operators' flag commands, keyed by customer id (co-partitioned with {@link #ORDERS}). */
    public static final Topic<FlagCommand> CUSTOMER_FLAGS = Topic.json("customer-flags", FlagCommand.class);
    /** Every order's HOLD / CONFIRM / RELEASE for one SKU, keyed by SKU. */
    public static final Topic<ReservationCommand> RESERVATION_COMMANDS =
            Topic.json("reservation-commands", ReservationCommand.class);
    /** The answers to orders' HOLDs, keyed by the order's customer id (co-partitioned with {@link #ORDERS}). */
    public static final Topic<LineResult> RESERVATION_RESULTS = Topic.json("reservation-results", LineResult.class);
    /** Answers to {@link #SEAT_RESERVATIONS}, keyed by seat id. */
    public static final Topic<SeatResult> SEAT_RESERVATION_RESULTS =
            Topic.json("seat-reservation-results", SeatResult.class);
    /** Product definitions as applied by the SKU's owner, read into every instance's global store. */
    public static final Topic<Product> PRODUCTS = Topic.json("products", Product.class);
    /** E-books to make, keyed by customer id so that one customer's come in order. */
    public static final Topic<EbookRequest> EBOOK_REQUESTS = Topic.json("ebook-requests", EbookRequest.class);
    /** E-books made, keyed by customer id. */
    public static final Topic<EbookGenerated> EBOOKS_GENERATED = Topic.json("ebooks-generated", EbookGenerated.class);

    /**
     * Topics keyed by SKU or by customer that one task reads together: they must all have the same
     * partition count, or one key would land on two tasks. The order's path loops through them
     * (customer → SKU → customer), so they are provisioned up front rather than made by Kafka Streams.
     */
    public static final List<String> CO_PARTITIONED = List.of(
            ORDERS.name(),
            CUSTOMER_FLAGS.name(),
            CATALOG.name(),
            SEAT_RESERVATIONS.name(),
            RESERVATION_COMMANDS.name(),
            RESERVATION_RESULTS.name(),
            PAYMENT_RESULTS.name());

    private Topics() {}
}
