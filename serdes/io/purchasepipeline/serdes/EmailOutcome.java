package io.purchasepipeline.serdes;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What became of one email, on {@code email-outcomes} keyed by email id: the mail sender's ledger
 * (an id with an outcome is never delivered again). Analytics counts the final ones from
 * {@link EmailCounts}, written in the same transaction.
 *
 * @param uncounted true on the outcome a sender writes at once after a hand-over, outside any
 *        transaction, so that it is known even if the sender stops before its next transaction:
 *        that transaction writes the outcome again, without this flag, with its count. An email whose
 *        latest outcome is uncounted is counted by whoever reads it next. Absent on every other outcome.
 */
public record EmailOutcome(
        String emailId,
        EmailKind kind,
        String orderId,
        Status status,
        String detail,
        long at,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean uncounted) {

    /** An outcome written in the transaction that counts it, if it is final. */
    public EmailOutcome(
            final String emailId,
            final EmailKind kind,
            final String orderId,
            final Status status,
            final String detail,
            final long at) {
        this(emailId, kind, orderId, status, detail, at, null);
    }

    /** This outcome as written at once after a hand-over, before the transaction that counts it. */
    public EmailOutcome asUncounted() {
        return new EmailOutcome(emailId, kind, orderId, status, detail, at, true);
    }

    /** This outcome as the transaction that counts it writes it. */
    public EmailOutcome asCounted() {
        return uncounted == null ? this : new EmailOutcome(emailId, kind, orderId, status, detail, at, null);
    }

    /** Whether this is a final outcome whose count is not written yet. */
    public boolean awaitsCount() {
        return Boolean.TRUE.equals(uncounted) && status != Status.SENDING;
    }

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
