package io.purchasepipeline.topology.payment;

/** A gateway's final answer to a charge. */
public enum PaymentOutcome {
    APPROVED,
    DECLINED,
    INSUFFICIENT_FUNDS;

    public boolean approved() {
        return this == APPROVED;
    }
}
