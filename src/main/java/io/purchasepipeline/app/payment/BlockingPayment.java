package io.purchasepipeline.app.payment;

import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.topology.PaymentCall;
import java.time.Duration;

/**
 * The order lifecycle's payment while it still pays on the stream thread: it takes an approved
 * payment as charged, so an AUTHORISE is authorised and at once captured, each under its own key,
 * and the capture's answer is the order's. Waits at most two call timeouts.
 */
public final class BlockingPayment implements PaymentCall {

    private final PaymentCalls calls;

    public BlockingPayment(final PaymentGateway gateway) {
        this(gateway, PaymentCalls.DEFAULT_TIMEOUT);
    }

    public BlockingPayment(final PaymentGateway gateway, final Duration callTimeout) {
        this.calls = new PaymentCalls(gateway, callTimeout);
    }

    @Override
    public PaymentResult pay(final PaymentRequest request) {
        final PaymentResult authorised = calls.answer(request).join();
        if (request.operation() != PaymentOperation.AUTHORISE || authorised.status() != PaymentStatus.APPROVED) {
            return authorised;
        }
        return calls.answer(new PaymentRequest(request.orderId(), request.customerId(), PaymentOperation.CAPTURE,
                request.amount(), request.currency(), null, authorised.paymentId())).join();
    }
}
