package io.purchasepipeline.serdes;

/** Why the fraud check rejected an order. */
public enum FraudReason {
    AMOUNT_LIMIT,
    VELOCITY,
    FLAGGED_CUSTOMER
}
