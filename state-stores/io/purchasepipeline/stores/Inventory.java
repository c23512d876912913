package io.purchasepipeline.stores;

import io.purchasepipeline.serdes.ProductKind;
import java.math.BigDecimal;

/**
 * One SKU's reservation state. For PHYSICAL stock {@code stocked = available + held + sold} holds
 * after every command; a SEAT is stocked once and held or sold by {@code seatHolder}; DIGITAL
 * stock is unlimited, so only what is held and sold is counted.
 */
public record Inventory(
        String sku,
        String name,
        ProductKind kind,
        BigDecimal price,
        long stocked,
        long available,
        long held,
        long sold,
        SeatHolder seatHolder) {

    public Inventory withCounts(final long newAvailable, final long newHeld, final long newSold) {
        return new Inventory(sku, name, kind, price, stocked, newAvailable, newHeld, newSold, seatHolder);
    }

    public Inventory withSeat(final SeatHolder holder) {
        final long newHeld = holder != null && !holder.sold() ? 1 : 0;
        final long newSold = holder != null && holder.sold() ? 1 : 0;
        return new Inventory(sku, name, kind, price, 1, 1 - newHeld - newSold, newHeld, newSold, holder);
    }
}
