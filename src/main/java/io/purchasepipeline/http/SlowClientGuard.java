package io.purchasepipeline.http;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connections of clients that take longer than the request timeout to send one request
 * (its line, headers and body). Once a second it looks at each connection's counters: bytes
 * arriving after the last response started a request; the request is late when bytes still arrive,
 * or its head is still incomplete, after the timeout. A request being handled that receives
 * nothing more (a long poll) is never late, and an idle connection is left to the idle timeout.
 */
final class SlowClientGuard extends AbstractLifeCycle {

    private static final Logger log = LoggerFactory.getLogger(SlowClientGuard.class);
    private static final long NONE = -1;

    private final Connector connector;
    private final long timeoutNanos;
    /** Touched by the sweep only, which runs on the scheduler's one thread at a time. */
    private final Map<EndPoint, Progress> progress = new HashMap<>();

    private volatile Scheduler.Task next;

    /**
     * What was seen of one connection at the last sweep.
     *
     * @param started when the request under way started (nanos), {@link #NONE} between requests
     */
    private record Progress(long bytesIn, long requests, long responses, long started) {}

    SlowClientGuard(final Connector connector, final Duration timeout) {
        this.connector = connector;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        final Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
        progress.clear();
    }

    private void schedule() {
        if (isRunning() || isStarting()) {
            next = connector.getScheduler().schedule(this::sweep, 1, TimeUnit.SECONDS);
        }
    }

    private void sweep() {
        try {
            final long now = System.nanoTime();
            final Collection<EndPoint> connected = new HashSet<>(connector.getConnectedEndPoints());
            progress.keySet().retainAll(connected);
            for (final EndPoint endPoint : connected) {
                final Connection connection = endPoint.getConnection();
                if (connection == null) {
                    continue;
                }
                final Progress seen = next(progress.get(endPoint), connection, now);
                if (late(progress.get(endPoint), seen, now)) {
                    log.debug(
                            "Closing {}: no whole request within {} ms",
                            endPoint.getRemoteSocketAddress(),
                            TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                    progress.remove(endPoint);
                    endPoint.close(new TimeoutException(
                            "request not received within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
                } else {
                    progress.put(endPoint, seen);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Checking for slow clients failed; trying again", e);
        } finally {
            schedule();
        }
    }

    private static Progress next(final Progress before, final Connection connection, final long now) {
        final long bytesIn = connection.getBytesIn();
        final long requests = connection.getMessagesIn();
        final long responses = connection.getMessagesOut();
        if (before == null) {
            // a new connection: whatever it sent belongs to its first request
            return new Progress(bytesIn, requests, responses, bytesIn > 0 && responses == 0 ? now : NONE);
        }
        if (responses != before.responses()) {
            // a response went out: the next bytes start the next request
            return new Progress(bytesIn, requests, responses, NONE);
        }
        final long started = before.started() == NONE && bytesIn > before.bytesIn() ? now : before.started();
        return new Progress(bytesIn, requests, responses, started);
    }

    private boolean late(final Progress before, final Progress seen, final long now) {
        if (before == null || seen.started() == NONE || now - seen.started() <= timeoutNanos) {
            return false;
        }
        final boolean stillArriving = seen.bytesIn() > before.bytesIn();
        final boolean headIncomplete = seen.requests() == seen.responses();
        return stillArriving || headIncomplete;
    }
}
