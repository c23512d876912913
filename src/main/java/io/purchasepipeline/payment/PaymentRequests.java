package io.purchasepipeline.payment;

import io.purchasepipeline.serdes.PaymentRequest;

/** What a {@link PaymentRequest} must carry before a gateway can be asked: no retry would make up for a missing field. */
public final class PaymentRequests {

    private PaymentRequests() {
    }

    /** Why {@code request} cannot be asked of a gateway, or null when it can. */
    public static String problem(final PaymentRequest request) {
        if (request == null) {
            return "a record without a value is no payment request";
        }
        if (blank(request.orderId()) || blank(request.customerId()) || request.operation() == null) {
            return "a payment request needs an orderId, a customerId and an operation";
        }
        return switch (request.operation()) {
            case AUTHORISE -> request.amount() == null || request.amount().signum() <= 0 || blank(request.currency())
                    || blank(request.card()) ? "AUTHORISE needs a positive amount, a currency and a card" : null;
            case CAPTURE -> request.amount() == null || request.amount().signum() <= 0 || blank(request.currency())
                    || blank(request.authorisationId())
                    ? "CAPTURE needs a positive amount, a currency and the authorisationId" : null;
            case VOID -> blank(request.authorisationId()) ? "VOID needs the authorisationId" : null;
        };
    }

    private static boolean blank(final String value) {
        return value == null || value.isBlank();
    }
}
