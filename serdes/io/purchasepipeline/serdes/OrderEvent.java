package io.purchasepipeline.serdes;

/**
 * One state change of one order, on {@code order-events} keyed by order id: {@code seq} counts
 * from 1 per order, so the audit trail's order can be checked by any reader.
 */
public record OrderEvent(String orderId, int seq, OrderStatus status, String detail, long at) {
}
