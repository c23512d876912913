package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.FlagCommand;
import io.purchasepipeline.serdes.Order;

/** What the fraud check sees per customer: new orders and operators' flag changes, in one stream. */
sealed interface CustomerCommand {

    record PlaceOrder(Order order) implements CustomerCommand {}

    record ChangeFlag(FlagCommand flag) implements CustomerCommand {}
}
