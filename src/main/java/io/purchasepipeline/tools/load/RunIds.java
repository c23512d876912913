package io.purchasepipeline.tools.load;

/**
 * Which of the orders read on {@code order-events} are this run's, and which one: the sequence
 * number an order id names, and back. The events of other runs and of the storefront are told
 * apart from the id alone.
 */
public interface RunIds {

    /** The sequence number of one of this run's orders; -1 for any other id. */
    long seq(String orderId);

    /** The id of the run's order {@code seq}, as a report names it. */
    String id(long seq);
}
