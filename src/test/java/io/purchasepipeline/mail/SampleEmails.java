package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailLine;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentStatus;
import java.math.BigDecimal;
import java.util.List;

/**
 * One email of each kind as the pipeline makes them: two lines (a book, an e-book), the total, the
 * shop's currency, and what the kind says besides (reasons, the refusal, the line that could not be
 * held, the e-book).
 */
public final class SampleEmails {

    public static final String BOOK = "Kafka: The Definitive Guide";
    public static final String EBOOK = "Streams in Depth (e-book)";

    private SampleEmails() {}

    public static EmailRequest of(
            final EmailKind kind, final String orderId, final String customerName, final String to) {
        return of(kind, orderId, customerName, to, BOOK, "EUR");
    }

    public static EmailRequest of(
            final EmailKind kind,
            final String orderId,
            final String customerName,
            final String to,
            final String bookName,
            final String currency) {
        final boolean unfilled = kind == EmailKind.OUT_OF_STOCK;
        final List<EmailLine> lines = List.of(
                new EmailLine(
                        "book-kafka", bookName, 2, new BigDecimal("49.00"), unfilled ? LineOutcome.OUT_OF_STOCK : null),
                new EmailLine("ebook-streams", EBOOK, 1, new BigDecimal("19.90"), null));
        return new EmailRequest(
                EmailRequest.idFor(orderId, kind),
                kind,
                orderId,
                "customer-7",
                customerName,
                to,
                status(kind),
                lines,
                new BigDecimal("117.90"),
                currency,
                kind == EmailKind.SECURITY_NOTICE ? List.of(FraudReason.AMOUNT_LIMIT, FraudReason.VELOCITY) : List.of(),
                kind == EmailKind.PAYMENT_FAILED ? PaymentStatus.DECLINED : null,
                kind == EmailKind.ORDER_COMPLETED ? List.of(new EbookTitle("ebook-streams", EBOOK)) : List.of());
    }

    /** The same email with other e-books. */
    public static EmailRequest withEbooks(final EmailRequest email, final List<EbookTitle> ebooks) {
        return new EmailRequest(
                email.emailId(),
                email.kind(),
                email.orderId(),
                email.customerId(),
                email.customerName(),
                email.to(),
                email.status(),
                email.lines(),
                email.total(),
                email.currency(),
                email.fraudReasons(),
                email.payment(),
                ebooks);
    }

    /** The status an order has when the pipeline asks for the email. */
    public static OrderStatus status(final EmailKind kind) {
        return switch (kind) {
            case ORDER_RECEIVED -> OrderStatus.PENDING;
            case SECURITY_NOTICE -> OrderStatus.REJECTED_FRAUD;
            case OUT_OF_STOCK -> OrderStatus.REJECTED_OUT_OF_STOCK;
            case PAYMENT_FAILED -> OrderStatus.PAYMENT_DECLINED;
            case ORDER_EXPIRED -> OrderStatus.EXPIRED;
            case ORDER_COMPLETED -> OrderStatus.COMPLETED;
        };
    }
}
