package io.purchasepipeline.serdes;

/**
 * One state change of one order, on {@code order-events} keyed by order id: {@code seq} counts
 * from 1 per order, so the audit trail's order can be checked by any reader; {@code correlationId}
 * is the id of the request that placed the order (also in the record's header).
 */
public record OrderEvent(String orderId, int seq, OrderStatus status, String detail, long at, String correlationId) {}
