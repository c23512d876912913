package io.purchasepipeline.mail;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Who waits, and until when: a partition whose email the server deferred (or whose handed-over
 * email waits out the redelivery delay), and every partition while no email can go at all.
 */
final class Waits {

    /** @param redeliveryDelay whether this wait is the redelivery delay of a SENDING email, which waits it once */
    private record Backoff(String emailId, int attempts, long untilNanos, boolean redeliveryDelay) {
        boolean waiting(final long now) {
            return now - untilNanos < 0;
        }
    }

    private final RetryPolicy retry;
    /** Per partition: the email the server deferred, how often in a row, and until when the partition waits. */
    private final Map<TopicPartition, Backoff> deferred = new HashMap<>();
    /** Set while no email can go (server, outbox or ledger unavailable): every partition waits until then. */
    private Backoff unavailable;

    Waits(final RetryPolicy retry) {
        this.retry = retry;
    }

    boolean waiting(final TopicPartition partition, final long now) {
        final Backoff partitionBackoff = deferred.get(partition);
        return unavailable != null && unavailable.waiting(now)
                || partitionBackoff != null && partitionBackoff.waiting(now);
    }

    /** Whether the partition has waited out the redelivery delay of {@code emailId} already. */
    boolean redeliveryWaited(final TopicPartition partition, final String emailId) {
        final Backoff held = deferred.get(partition);
        return held != null && held.redeliveryDelay() && held.emailId().equals(emailId);
    }

    /** The partition waits out the redelivery delay at {@code emailId}, keeping the count of its deferrals. */
    void hold(final TopicPartition partition, final String emailId, final Duration wait) {
        deferred.put(
                partition,
                new Backoff(emailId, deferrals(partition, emailId), System.nanoTime() + wait.toNanos(), true));
    }

    /** How the partition waits after its email was deferred once more; {@code delay} null: deferred too often, given up. */
    record Deferral(int attempts, Duration delay) {}

    /** The server deferred {@code emailId} once more. */
    Deferral defer(final TopicPartition partition, final String emailId) {
        final int attempts = deferrals(partition, emailId) + 1;
        if (attempts >= retry.deferrals()) {
            deferred.remove(partition);
            return new Deferral(attempts, null);
        }
        final Duration wait = retry.delay(attempts);
        deferred.put(partition, new Backoff(emailId, attempts, System.nanoTime() + wait.toNanos(), false));
        return new Deferral(attempts, wait);
    }

    /** How often in a row the server deferred {@code emailId}, the email the partition holds at. */
    private int deferrals(final TopicPartition partition, final String emailId) {
        final Backoff previous = deferred.get(partition);
        return previous != null && previous.emailId().equals(emailId) ? previous.attempts() : 0;
    }

    /** No email can go: every partition waits, longer at each time in a row. */
    Duration waitForAll() {
        final int attempts = unavailable == null ? 1 : unavailable.attempts() + 1;
        final Duration wait = retry.delay(attempts);
        unavailable = new Backoff(null, attempts, System.nanoTime() + wait.toNanos(), false);
        return wait;
    }

    /** An email went (or was settled): the partition no longer waits at it. */
    void passed(final TopicPartition partition) {
        deferred.remove(partition);
    }

    /** Emails can go again. */
    void available() {
        unavailable = null;
    }

    void forget(final Collection<TopicPartition> partitions) {
        partitions.forEach(deferred::remove);
    }
}
