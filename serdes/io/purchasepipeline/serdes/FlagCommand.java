package io.purchasepipeline.serdes;

/** An operator's command on {@code customer-flags}, keyed by customer id. */
public record FlagCommand(String customerId, FlagAction action, String reason) {}
