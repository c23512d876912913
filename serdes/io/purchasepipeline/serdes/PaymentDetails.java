package io.purchasepipeline.serdes;

/** How the customer pays: the card as the gateway knows it (masked at intake: first six and last four digits). */
public record PaymentDetails(String card) {}
