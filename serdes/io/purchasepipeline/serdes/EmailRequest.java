package io.purchasepipeline.serdes;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An email to deliver, on {@code emails} keyed by {@code emailId}. The id is stable (order id and
 * kind), so the mail sender can deliver each one at most once whatever is replayed. A completion
 * email lists the e-books it carries in {@code ebooks}.
 */
public record EmailRequest(
        String emailId,
        EmailKind kind,
        String orderId,
        String customerId,
        String customerName,
        String to,
        Map<String, String> details,
        List<EbookTitle> ebooks) {

    public EmailRequest {
        details = details == null ? Map.of() : Map.copyOf(details);
        ebooks = ebooks == null ? List.of() : List.copyOf(ebooks);
    }

    /** An email that carries no e-book. */
    public EmailRequest(final String emailId, final EmailKind kind, final String orderId, final String customerId,
            final String customerName, final String to, final Map<String, String> details) {
        this(emailId, kind, orderId, customerId, customerName, to, details, List.of());
    }

    public static String idFor(final String orderId, final EmailKind kind) {
        return orderId + "/" + kind.name().toLowerCase(Locale.ROOT);
    }
}
