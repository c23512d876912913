package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The payment worker's part in topology tests: answers each request on {@code payment-requests}
 * as the built-in gateway would (the usual test cards, in full or masked), or as a test tells it,
 * and keeps what was authorised, captured and voided per order. Like a real gateway it answers a
 * repeated idempotency key with its first answer.
 */
final class GatewayDesk {

    static final String APPROVED_CARD = "4242424242424242";
    static final String DECLINED_CARD = "4000000000000002";
    static final String INSUFFICIENT_FUNDS_CARD = "4000000000009995";
    /** The gateway never answers for this card: every operation comes back UNAVAILABLE. */
    static final String UNAVAILABLE_CARD = "4000000000000119";

    private final Map<String, PaymentResult> answers = new HashMap<>();
    private final Map<String, List<PaymentOperation>> done = new TreeMap<>();
    private final List<PaymentRequest> requests = new ArrayList<>();
    private final List<PaymentRequest> held = new ArrayList<>();
    private Function<PaymentRequest, PaymentStatus> rule = GatewayDesk::byCard;
    private boolean silent;
    private int sequence;

    /** From now on, decide with {@code next} (UNAVAILABLE for no answer). */
    void decideWith(final Function<PaymentRequest, PaymentStatus> next) {
        rule = next;
    }

    /** The worker stops answering (down, slow): requests wait until {@link #answerHeld()}. */
    void silence() {
        silent = true;
    }

    /** Answers again, and returns the requests held meanwhile (the driver sends their answers). */
    List<PaymentRequest> answerHeld() {
        silent = false;
        final List<PaymentRequest> waiting = List.copyOf(held);
        held.clear();
        return waiting;
    }

    /** The answer to {@code request}, or null while silent. */
    PaymentResult answer(final PaymentRequest request) {
        requests.add(request);
        if (silent) {
            held.add(request);
            return null;
        }
        final PaymentResult earlier = answers.get(request.idempotencyKey());
        if (earlier != null) {
            return earlier;
        }
        final PaymentStatus status = rule.apply(request);
        final PaymentResult result = new PaymentResult(
                request.orderId(),
                request.customerId(),
                request.operation(),
                status,
                status == PaymentStatus.UNAVAILABLE ? null : "pay-" + ++sequence,
                null);
        if (status != PaymentStatus.UNAVAILABLE) {
            answers.put(request.idempotencyKey(), result);
        }
        if (status.approved()) {
            done.computeIfAbsent(request.orderId(), id -> new ArrayList<>()).add(request.operation());
        }
        return result;
    }

    /** Every request seen, in order. */
    List<PaymentRequest> requests() {
        return List.copyOf(requests);
    }

    /** The operations the gateway carried out for {@code orderId}, in order. */
    List<PaymentOperation> operations(final String orderId) {
        return List.copyOf(done.getOrDefault(orderId, List.of()));
    }

    long capturesFor(final String orderId) {
        return operations(orderId).stream()
                .filter(operation -> operation == PaymentOperation.CAPTURE)
                .count();
    }

    /** Orders captured twice, or captured after a void, or voided without an authorisation. */
    Map<String, List<PaymentOperation>> doubleCharges() {
        final Map<String, List<PaymentOperation>> wrong = new TreeMap<>();
        done.forEach((orderId, operations) -> {
            final long captures = operations.stream()
                    .filter(op -> op == PaymentOperation.CAPTURE)
                    .count();
            final int voided = operations.indexOf(PaymentOperation.VOID);
            final int captured = operations.indexOf(PaymentOperation.CAPTURE);
            if (captures > 1
                    || voided >= 0 && captured > voided
                    || captures > 0 && voided >= 0
                    || !operations.isEmpty() && operations.get(0) != PaymentOperation.AUTHORISE) {
                wrong.put(orderId, operations);
            }
        });
        return wrong;
    }

    static PaymentStatus byCard(final PaymentRequest request) {
        if (request.operation() != PaymentOperation.AUTHORISE) {
            return PaymentStatus.APPROVED;
        }
        final String card = request.card() == null ? "" : request.card();
        if (matches(card, UNAVAILABLE_CARD)) {
            return PaymentStatus.UNAVAILABLE;
        }
        if (matches(card, DECLINED_CARD)) {
            return PaymentStatus.DECLINED;
        }
        if (matches(card, INSUFFICIENT_FUNDS_CARD)) {
            return PaymentStatus.INSUFFICIENT_FUNDS;
        }
        return PaymentStatus.APPROVED;
    }

    private static boolean matches(final String card, final String full) {
        return card.equals(full) || card.equals(full.substring(0, 6) + "******" + full.substring(12));
    }
}
