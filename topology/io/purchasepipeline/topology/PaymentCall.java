package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;

/**
 * The order's payment as the order lifecycle still asks it: on the stream thread, answered before
 * it returns. An {@code UNAVAILABLE} answer makes the order ask again later with the same key.
 */
@FunctionalInterface
public interface PaymentCall {

    PaymentResult pay(PaymentRequest request);
}
