package io.purchasepipeline.serdes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * An email to deliver, on {@code emails} keyed by {@code emailId}. The id is stable (order id and
 * kind), so the mail sender can deliver each one at most once whatever is replayed.
 *
 * <p>It carries what the customer is told, as the order stood when the email was made: its status,
 * its lines, the total and the shop's currency; why it was rejected ({@code fraudReasons}) or
 * declined ({@code payment}); the e-books a completion email carries. Empty lists and absent values
 * are left out of the JSON.
 *
 * @param total null while a line has no price
 * @param currency the shop's currency (ISO 4217 code) of every price and the total
 */
public record EmailRequest(
        String emailId,
        EmailKind kind,
        String orderId,
        String customerId,
        String customerName,
        String to,
        OrderStatus status,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EmailLine> lines,
        BigDecimal total,
        String currency,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FraudReason> fraudReasons,
        PaymentStatus payment,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EbookTitle> ebooks) {

    public EmailRequest {
        lines = lines == null ? List.of() : List.copyOf(lines);
        fraudReasons = fraudReasons == null ? List.of() : List.copyOf(fraudReasons);
        ebooks = ebooks == null ? List.of() : List.copyOf(ebooks);
    }

    /** An email about nothing but the order's id: no lines, no reasons, no e-book. */
    public EmailRequest(
            final String emailId,
            final EmailKind kind,
            final String orderId,
            final String customerId,
            final String customerName,
            final String to) {
        this(
                emailId,
                kind,
                orderId,
                customerId,
                customerName,
                to,
                null,
                List.of(),
                null,
                null,
                List.of(),
                null,
                List.of());
    }

    public static String idFor(final String orderId, final EmailKind kind) {
        return orderId + "/" + kind.name().toLowerCase(Locale.ROOT);
    }
}
