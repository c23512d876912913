package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailLine;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.stores.LineState;
import io.purchasepipeline.stores.OrderState;
import java.math.BigDecimal;
import java.util.List;

/**
 * The emails the pipeline asks for, each with a stable id (order id and kind), itemised: the
 * order's status, its lines at the catalog's prices, the total, the shop's currency.
 */
final class Emails {

    private Emails() {}

    /** The receipt, as the order is taken in: PENDING, as the storefront was answered. */
    static EmailRequest received(final Order order, final List<LineState> lines, final String currency) {
        return of(
                order,
                EmailKind.ORDER_RECEIVED,
                OrderStatus.PENDING,
                lines,
                false,
                currency,
                List.of(),
                null,
                List.of());
    }

    static EmailRequest securityNotice(final FraudCheckedOrder checked, final String currency) {
        return of(
                checked.order(),
                EmailKind.SECURITY_NOTICE,
                OrderStatus.REJECTED_FRAUD,
                OrderLines.of(checked),
                false,
                currency,
                checked.reasons(),
                null,
                List.of());
    }

    static EmailRequest completed(final OrderState state, final String currency, final List<EbookTitle> ebooks) {
        return of(
                state.order(),
                EmailKind.ORDER_COMPLETED,
                state.status(),
                state.lines(),
                false,
                currency,
                List.of(),
                null,
                ebooks);
    }

    /**
     * An order that ends without a sale: out of stock (each line that could not be held says what
     * its hold did), payment declined ({@code payment} says how), expired.
     */
    static EmailRequest released(
            final OrderState state, final EmailKind kind, final String currency, final PaymentStatus payment) {
        return of(
                state.order(),
                kind,
                state.status(),
                state.lines(),
                kind == EmailKind.OUT_OF_STOCK,
                currency,
                List.of(),
                payment,
                List.of());
    }

    private static EmailRequest of(
            final Order order,
            final EmailKind kind,
            final OrderStatus status,
            final List<LineState> lines,
            final boolean outcomes,
            final String currency,
            final List<FraudReason> reasons,
            final PaymentStatus payment,
            final List<EbookTitle> ebooks) {
        final List<EmailLine> emailLines = lines.stream()
                .map(line -> new EmailLine(
                        line.sku(),
                        line.name(),
                        line.quantity(),
                        line.unitPrice(),
                        outcomes && line.outcome() != null && !line.held() ? line.outcome() : null))
                .toList();
        final BigDecimal total = OrderLines.total(lines);
        return new EmailRequest(
                EmailRequest.idFor(order.orderId(), kind),
                kind,
                order.orderId(),
                order.customerId(),
                order.customerName(),
                order.email(),
                status,
                emailLines,
                total,
                currency,
                reasons,
                payment,
                ebooks);
    }
}
