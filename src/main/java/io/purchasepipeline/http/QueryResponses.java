package io.purchasepipeline.http;

import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.stores.Inventory;
import io.purchasepipeline.stores.OrderState;
import java.math.BigDecimal;
import java.util.List;

/** What the query routes answer, made from the stores' values. */
final class QueryResponses {

    private QueryResponses() {}

    record LineView(String sku, int quantity, LineOutcome outcome, BigDecimal unitPrice) {}

    record OrderView(
            String orderId,
            String customerId,
            String customerName,
            OrderStatus status,
            List<LineView> lines,
            BigDecimal total,
            List<FraudReason> fraudReasons,
            String payment,
            long updatedAt) {}

    /** {@code available} is null for DIGITAL products: their stock is unlimited. */
    record ProductView(
            String sku,
            String name,
            ProductKind kind,
            BigDecimal price,
            Long available,
            long held,
            long sold,
            Long stocked) {}

    record SeatView(String seatId, boolean reserved, String reservedFor) {}

    /** Only flagged customers have one: {@code reason} is why (an order's fraud reasons, or the operator's words). */
    record FlagView(String customerId, boolean flagged, String reason) {}

    static OrderView order(final OrderState state) {
        return new OrderView(
                state.orderId(),
                state.order().customerId(),
                state.order().customerName(),
                state.status(),
                state.lines().stream()
                        .map(line -> new LineView(line.sku(), line.quantity(), line.outcome(), line.unitPrice()))
                        .toList(),
                state.total(),
                state.fraudReasons(),
                state.payment().summary(),
                state.lastEvent().at());
    }

    static ProductView product(final Inventory inventory) {
        final boolean unlimited = inventory.kind() == ProductKind.DIGITAL;
        return new ProductView(
                inventory.sku(),
                inventory.name(),
                inventory.kind(),
                inventory.price(),
                unlimited ? null : inventory.available(),
                inventory.held(),
                inventory.sold(),
                unlimited ? null : inventory.stocked());
    }

    static SeatView seat(final Inventory inventory) {
        return new SeatView(
                inventory.sku(),
                inventory.seatHolder() != null,
                inventory.seatHolder() == null ? null : inventory.seatHolder().reservedFor());
    }
}
