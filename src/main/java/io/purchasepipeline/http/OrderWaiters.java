package io.purchasepipeline.http;

import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.topology.OrderStatusListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests waiting for an order to end. A waiter registers before it reads the store, then reads;
 * an order that ended in between has already completed its future, so no end is ever missed.
 */
public final class OrderWaiters implements OrderStatusListener {

    private final Map<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    public CompletableFuture<Void> register(final String orderId) {
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        waiting.computeIfAbsent(orderId, id -> ConcurrentHashMap.newKeySet()).add(ended);
        return ended;
    }

    public void unregister(final String orderId, final CompletableFuture<Void> ended) {
        waiting.computeIfPresent(orderId, (id, set) -> {
            set.remove(ended);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void changed(final OrderEvent event) {
        if (event.status().terminal()) {
            final Set<CompletableFuture<Void>> ended = waiting.remove(event.orderId());
            if (ended != null) {
                ended.forEach(future -> future.complete(null));
            }
        }
    }
}
