package io.purchasepipeline.serdes;

/** Every email the pipeline sends. */
public enum EmailKind {
    ORDER_RECEIVED,
    SECURITY_NOTICE,
    OUT_OF_STOCK,
    PAYMENT_FAILED,
    ORDER_EXPIRED,
    ORDER_COMPLETED
}
