package io.purchasepipeline.topology;

/**
 * When the hold timeout of an open order has passed, in the customer's task that holds it. An
 * order's deadline is its placement (the wall clock when the task took it in) plus the hold
 * timeout; it must have passed on both of the task's clocks, so that a task behind its inputs
 * (restored, moved to another instance, starved of CPU) does not expire the orders whose answers
 * came in time and wait, unread, in its input partitions:
 *
 * <ul>
 *   <li>the wall clock, which says how long the order has waited;
 *   <li>the task's stream time, the largest record timestamp it has read, which says how far it has
 *       read its inputs. The payment worker's answers carry the time they were written (it leaves
 *       the timestamp to its producer), and Kafka Streams takes the next record among those it has
 *       fetched in timestamp order: a task whose stream time passed the deadline has read the
 *       answers written before it (but for one whose partition's fetch had not come back: task
 *       idling is off, see {@code StreamsSettings}, so an answer written in the last moments
 *       before the deadline may still come too late). The SKUs' answers carry the time of the
 *       order that asked (Kafka Streams passes the input's timestamp on), earlier than the
 *       deadline, so they too come before anything past it, and never carry the stream time past
 *       it themselves.
 * </ul>
 *
 * <p>Stream time stands still in a task that reads nothing, so two bounds keep an order whose
 * answer never comes from waiting for ever:
 *
 * <ul>
 *   <li>a task whose stream time has not moved for a hold timeout of wall clock is quiet, not
 *       behind (a task behind reads, and its stream time moves): its orders expire on the wall clock
 *       alone. That hold timeout counts from when the task started at the earliest, so a task that
 *       starts behind its inputs reads them before this bound can apply. A quiet task thus expires
 *       an order a hold timeout after the last record it read, and not before the order's deadline:
 *       at the deadline when the order was the last thing it read.
 *   <li>the order's retention: an order still open when its retention ends (its task reading only
 *       records older than its deadline all that time, from a clock far behind) is expired before
 *       the retention sweep forgets it, so no hold or authorisation outlives its order.
 * </ul>
 *
 * <p>Pure and immutable: {@link OrderLifecycle} shows it the stream time as it reads and at each
 * timer tick, and keeps what comes back, in memory (a restarted task starts counting again).
 *
 * @param holdTimeout the hold timeout, in milliseconds
 * @param retention the order retention, in milliseconds
 * @param streamTime the task's stream time when last seen
 * @param movedAt the wall clock when the stream time was last seen to move, or when the task started
 */
record HoldClock(long holdTimeout, long retention, long streamTime, long movedAt) {

    /** The clock of a task that starts at {@code now} with {@code streamTime} (-1 when it has read nothing yet). */
    static HoldClock started(final PipelineConfig config, final long streamTime, final long now) {
        return new HoldClock(
                config.holdTimeout().toMillis(), config.orderRetention().toMillis(), streamTime, now);
    }

    /** The task's stream time is {@code streamTime} at {@code now}, on the wall clock. */
    HoldClock read(final long streamTime, final long now) {
        return streamTime > this.streamTime ? new HoldClock(holdTimeout, retention, streamTime, now) : this;
    }

    /** The open orders placed at or before this have passed their hold timeout at {@code now}. */
    long expiresPlacedUpTo(final long now) {
        if (now - movedAt >= holdTimeout) {
            return now - holdTimeout;
        }
        return Math.max(Math.min(now, streamTime) - holdTimeout, now - retention);
    }
}
