package io.purchasepipeline.serdes;

/**
 * What became of one email, on {@code email-outcomes} keyed by email id: the mail sender's ledger
 * (an id with an outcome is never delivered again). Analytics counts the final ones from
 * {@link EmailCounts}, written in the same transaction.
 */
public record EmailOutcome(String emailId, EmailKind kind, String orderId, Status status, String detail, long at) {

    public enum Status {
        /**
         * Being handed to the mail server. Not settled: an email found SENDING by a later owner had
         * its hand-over cut short (its sender stopped, or the connection dropped after the message)
         * and is handed over again, ending {@link #REDELIVERED}. Not counted by analytics.
         */
        SENDING,
        /** Handed over once, and the mail server accepted it. */
        SENT,
        /**
         * Accepted by the mail server at a second hand-over, with the same Message-ID, after the one
         * before it was cut short: the server may have taken the first too, and the recipient then
         * holds two copies that a mail client shows as one. One email sent, for analytics.
         */
        REDELIVERED,
        /** The mail server refused it for good (a permanent 5xx): counted as a bounce. */
        BOUNCED
    }
}
