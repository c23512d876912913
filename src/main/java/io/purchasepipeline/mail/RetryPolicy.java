package io.purchasepipeline.mail;

import java.time.Duration;

/**
 * How long emails wait after a failure: {@code first}, doubling with each further failure up to
 * {@code max}. An email the server defers {@code deferrals} times in a row is bounced, as a mail
 * server gives up on a message it cannot hand on; while the server or the ledger is unavailable,
 * emails wait without limit.
 */
record RetryPolicy(Duration first, Duration max, int deferrals) {

    /** About half an hour of deferrals before a bounce; an unavailable server is tried at least once a minute. */
    static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(1), 35);

    /** The wait after the {@code attempt}-th failure in a row (from 1). */
    Duration delay(final int attempt) {
        final int doublings = Math.min(attempt - 1, 30);
        final Duration delay = first.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
