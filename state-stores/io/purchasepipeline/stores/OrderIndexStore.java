package io.purchasepipeline.stores;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The customer's task's {@link OrderIndex} as a store of the task, so that the processors that
 * use it (the fraud check, the order's life) share one, and Kafka Streams opens it with the task
 * and closes it with the task. Not logged and not persistent: each time the task is initialised
 * (started, moved here, or revived after an aborted transaction, its logged stores then back at
 * their last commit) the index is empty, and the first processor to ask for it makes it from the
 * orders' store, after that store was restored.
 *
 * <p>Making it reads every order the task keeps once (the order retention's worth), in the task's
 * initialisation, not on every record: see {@code docs/order-path.md} for what that costs.
 */
public final class OrderIndexStore implements StateStore {

    private final String name;
    private final OrderIndex index;
    private boolean open;
    private boolean built;

    private OrderIndexStore(final String name, final Duration velocityWindow) {
        this.name = name;
        this.index = new OrderIndex(velocityWindow);
    }

    /** The index, made from {@code orders} if this task has not made it since it was initialised. */
    public OrderIndex index(final KeyValueStore<String, OrderState> orders) {
        if (!built) {
            try (KeyValueIterator<String, OrderState> all = orders.all()) {
                index.rebuild(new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return all.hasNext();
                    }

                    @Override
                    public OrderState next() {
                        return all.next().value;
                    }
                });
            }
            built = true;
        }
        return index;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        index.clear();
        built = false;
        // nothing to restore: it is made again from the orders' store
        context.register(root, (key, value) -> {});
        open = true;
    }

    @Override
    public void close() {
        index.clear();
        built = false;
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds the store; there is no logging or caching to turn on. */
    static StoreBuilder<OrderIndexStore> builder(final String name, final Duration velocityWindow) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<OrderIndexStore> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<OrderIndexStore> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<OrderIndexStore> withLoggingEnabled(final Map<String, String> config) {
                throw new UnsupportedOperationException("The order index is made from the orders' store, not logged");
            }

            @Override
            public StoreBuilder<OrderIndexStore> withLoggingDisabled() {
                return this;
            }

            @Override
            public OrderIndexStore build() {
                return new OrderIndexStore(name, velocityWindow);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
