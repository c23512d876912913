package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.Order;
import java.util.List;
import java.util.Map;

/** The email requests the pipeline makes; each has a stable id (order id and kind). */
final class Emails {

    private Emails() {
    }

    static EmailRequest of(final Order order, final EmailKind kind, final Map<String, String> details,
            final List<EbookTitle> ebooks) {
        return new EmailRequest(EmailRequest.idFor(order.orderId(), kind), kind, order.orderId(),
                order.customerId(), order.customerName(), order.email(), details, ebooks);
    }

    static EmailRequest of(final Order order, final EmailKind kind, final Map<String, String> details) {
        return of(order, kind, details, List.of());
    }

    static EmailRequest of(final Order order, final EmailKind kind) {
        return of(order, kind, Map.of());
    }
}
