package io.purchasepipeline.serdes;

/** An order's command for one SKU, the value on {@code reservation-commands} keyed by SKU. */
public record ReservationCommand(
        String orderId, String sku, ReservationAction action, int quantity, String customerId) {}
