package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.LineResult;

/** What moves an order along, on the order's own partition. */
sealed interface OrderInput {

    record Checked(FraudCheckedOrder order) implements OrderInput {
    }

    record Line(LineResult result) implements OrderInput {
    }
}
