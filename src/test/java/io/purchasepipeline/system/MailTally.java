package io.purchasepipeline.system;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What became of the emails of a run, counted on the mail server's side: the Message-IDs the
 * pipeline asked for (one per email requested on {@code emails}) against the Message-IDs the server
 * received, each as often as it arrived.
 *
 * @param requested distinct emails requested
 * @param received messages the server took, copies included
 * @param delivered distinct Message-IDs received
 * @param lost requested and never received
 * @param redelivered Message-IDs received more than once
 * @param copies messages beyond the first of their Message-ID
 * @param unrequested distinct Message-IDs received that no request on {@code emails} names
 * @param lostSample a few lost Message-IDs, to look for in the logs
 */
record MailTally(
        long requested,
        long received,
        long delivered,
        long lost,
        long redelivered,
        long copies,
        long unrequested,
        List<String> lostSample) {

    private static final int SAMPLE = 10;

    static MailTally of(final Collection<String> requestedMessageIds, final Map<String, Long> receivedByMessageId) {
        final Set<String> requested = new HashSet<>(requestedMessageIds);
        final List<String> lost = requested.stream()
                .filter(id -> !receivedByMessageId.containsKey(id))
                .sorted()
                .toList();
        long received = 0;
        long redelivered = 0;
        long copies = 0;
        long unrequested = 0;
        for (final Map.Entry<String, Long> arrivals : receivedByMessageId.entrySet()) {
            final long count = arrivals.getValue();
            if (count < 1) {
                throw new IllegalArgumentException(
                        "A Message-ID counted as received " + count + " times: " + arrivals.getKey());
            }
            received += count;
            if (count > 1) {
                redelivered++;
                copies += count - 1;
            }
            if (!requested.contains(arrivals.getKey())) {
                unrequested++;
            }
        }
        return new MailTally(
                requested.size(),
                received,
                receivedByMessageId.size(),
                lost.size(),
                redelivered,
                copies,
                unrequested,
                lost.subList(0, Math.min(SAMPLE, lost.size())));
    }

    /** Whether every email requested was received. */
    boolean complete() {
        return lost == 0;
    }

    /**
     * What makes the run fail: an email lost, a copy more than the kills of processes that send
     * mail can explain (each can leave at most one hand-over cut short), a message nobody asked for.
     * Empty when none.
     */
    List<String> failures(final long mailSenderKills) {
        final List<String> failures = new ArrayList<>();
        if (lost > 0) {
            failures.add(lost + " of " + requested + " emails requested were never received, e.g. " + lostSample);
        }
        if (copies > mailSenderKills) {
            failures.add(copies + " second copies were received, more than the " + mailSenderKills
                    + " kills of processes that send mail");
        }
        if (unrequested > 0) {
            failures.add(unrequested + " Message-IDs were received that no email on the emails topic names");
        }
        return failures;
    }

    /** The counts under the names the results file uses. */
    Map<String, Object> asResult() {
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("emails_requested", requested);
        result.put("emails_received", received);
        result.put("emails_delivered", delivered);
        result.put("emails_lost", lost);
        result.put("emails_redelivered", redelivered);
        result.put("email_copies", copies);
        result.put("emails_unrequested", unrequested);
        if (!lostSample.isEmpty()) {
            result.put("emails_lost_sample", lostSample);
        }
        return result;
    }
}
