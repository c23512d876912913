package io.purchasepipeline.topology;

import io.purchasepipeline.stores.OrderState;
import java.util.List;

/**
 * What the order's state machine decided for one input: the order's new state ({@code changed}
 * false when it stays as it was, so nothing is written) and the records to send on. When to ask
 * the payment gateway again is part of the state ({@code payment().retryAt()}).
 */
record Transition(OrderState state, boolean changed, List<OrderOutput> outputs) {

    Transition {
        outputs = List.copyOf(outputs);
    }

    static Transition unchanged(final OrderState state) {
        return new Transition(state, false, List.of());
    }
}
