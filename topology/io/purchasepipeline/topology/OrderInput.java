package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.PaymentResult;

/** What moves an order along, in the task of its customer. */
sealed interface OrderInput {

    /** The order, fresh from the fraud check (clean or not). */
    record Checked(FraudCheckedOrder order) implements OrderInput {}

    /** A SKU's answer to the order's HOLD. */
    record LineAnswered(LineResult result) implements OrderInput {}

    /** The payment worker's answer to one of the order's payment operations. */
    record PaymentAnswered(PaymentResult result) implements OrderInput {}

    /** The hold timeout passed since the order was placed, on the wall clock and the task's stream time ({@link HoldClock}). */
    record HoldTimeout() implements OrderInput {}

    /** Time to ask the gateway again for an operation it did not answer. */
    record PaymentRetryDue() implements OrderInput {}
}
