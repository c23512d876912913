package io.purchasepipeline.serdes;

import java.util.Map;

/**
 * An email to deliver, on {@code emails} keyed by {@code emailId}. The id is stable (order id and
 * kind), so the mail sender can deliver each one at most once whatever is replayed.
 */
public record EmailRequest(
        String emailId,
        EmailKind kind,
        String orderId,
        String customerId,
        String customerName,
        String to,
        Map<String, String> details) {

    public EmailRequest {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static String idFor(final String orderId, final EmailKind kind) {
        return orderId + "/" + kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
