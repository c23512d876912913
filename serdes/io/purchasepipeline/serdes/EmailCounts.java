package io.purchasepipeline.serdes;

/**
 * The final outcomes one transaction of the mail sender wrote to {@code email-outcomes}, counted
 * for analytics, on {@code email-counts} in that same transaction: analytics reads one record per
 * transaction (one per poll with the outbox) rather than every outcome, SENDING marks included.
 *
 * @param sent emails the mail server took (SENT, and REDELIVERED after a hand-over cut short)
 * @param bounced emails it refused for good
 */
public record EmailCounts(long sent, long bounced) {}
