package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.SeatCommand;

/** Everything that changes one SKU, merged so that its owner task applies them one at a time. */
sealed interface SkuCommand {

    record Reserve(ReservationCommand command) implements SkuCommand {}

    /** A catalog record; a null product is a tombstone. */
    record Define(Product product) implements SkuCommand {}

    record Seat(SeatCommand command) implements SkuCommand {}
}
