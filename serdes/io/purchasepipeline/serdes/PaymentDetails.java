package io.purchasepipeline.serdes;

/** How the customer pays: the card number the gateway charges. */
public record PaymentDetails(String card) {
}
