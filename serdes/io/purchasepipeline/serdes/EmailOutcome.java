package io.purchasepipeline.serdes;

/**
 * What became of one email, on {@code email-outcomes} keyed by email id: the mail sender's ledger
 * (an id with an outcome is never delivered again) and what analytics counts.
 */
public record EmailOutcome(String emailId, EmailKind kind, String orderId, Status status, String detail, long at) {

    public enum Status {
        /** About to be handed to the mail server: without a later outcome, delivery is uncertain and not retried. */
        SENDING,
        SENT,
        /** The mail server refused it for good (a permanent 5xx): counted as a bounce. */
        BOUNCED
    }
}
