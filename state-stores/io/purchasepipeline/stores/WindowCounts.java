package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.OrderStatus;

/**
 * What happened in one analytics window (or part of it, as counted on one partition). Orders are
 * counted when received; the outcomes when decided, in the window they were decided in.
 */
public record WindowCounts(
        long windowStart,
        long lastAt,
        long orders,
        long decided,
        long completed,
        long fraud,
        long declined,
        long outOfStock,
        long expired,
        long emailsSent,
        long emailsBounced,
        long ebooks) {

    public static WindowCounts empty(final long windowStart) {
        return new WindowCounts(windowStart, windowStart, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public WindowCounts plus(final WindowCounts other) {
        return new WindowCounts(
                windowStart,
                Math.max(lastAt, other.lastAt),
                orders + other.orders,
                decided + other.decided,
                completed + other.completed,
                fraud + other.fraud,
                declined + other.declined,
                outOfStock + other.outOfStock,
                expired + other.expired,
                emailsSent + other.emailsSent,
                emailsBounced + other.emailsBounced,
                ebooks + other.ebooks);
    }

    /**
     * One order status change at {@code at}; {@code first} when it is the order's first event (the
     * order was received).
     */
    public WindowCounts withStatus(final OrderStatus status, final boolean first, final long at) {
        final WindowCounts received = first
                ? new WindowCounts(windowStart, at, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                : new WindowCounts(windowStart, at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        final WindowCounts one = switch (status) {
            case COMPLETED -> new WindowCounts(windowStart, at, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0);
            case REJECTED_FRAUD -> new WindowCounts(windowStart, at, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0);
            case PAYMENT_DECLINED -> new WindowCounts(windowStart, at, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0);
            case REJECTED_OUT_OF_STOCK -> new WindowCounts(windowStart, at, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0);
            case EXPIRED -> new WindowCounts(windowStart, at, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0);
            case PENDING, RESERVING, AWAITING_PAYMENT ->
                new WindowCounts(windowStart, at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        };
        return plus(received).plus(one);
    }

    public WindowCounts withEmails(final long sent, final long bounced, final long at) {
        return plus(new WindowCounts(windowStart, at, 0, 0, 0, 0, 0, 0, 0, sent, bounced, 0));
    }

    public WindowCounts withEbook(final long at) {
        return plus(new WindowCounts(windowStart, at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
    }
}
