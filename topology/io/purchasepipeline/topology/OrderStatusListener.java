package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.OrderEvent;

/**
 * Told of every order status change by the order's owner task, right after the change is in the
 * {@code order-status} store: wakes up requests waiting on an order and counts outcomes. Runs on
 * the stream thread, so it must return at once.
 */
@FunctionalInterface
public interface OrderStatusListener {

    OrderStatusListener NONE = event -> {};

    void changed(OrderEvent event);
}
