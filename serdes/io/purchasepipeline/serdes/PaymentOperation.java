package io.purchasepipeline.serdes;

/**
 * What an order asks of the payment gateway: reserve the amount on the card when the holds are
 * asked for, take it when the order completes, or give it back when the order is released.
 */
public enum PaymentOperation {
    AUTHORISE,
    CAPTURE,
    VOID
}
