package io.purchasepipeline.tools.load;

import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.Order;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes the run's orders to {@code orders} (or the topic given) exactly as the HTTP intake does (the order as value,
 * the customer id as key, the correlation id in a header), on a fixed schedule or as fast as the
 * window of orders in flight allows.
 *
 * <p>At a fixed rate an order's latency counts from when it was due, not from when it was sent: a
 * sender held back by a full window or a slow send would otherwise leave out of the figures exactly
 * the waits a real customer would have had (coordinated omission). At the maximum rate there is no
 * schedule, and it counts from the send.
 */
public final class OrderSender {

    /** Why sending stopped. */
    public enum Stop {
        ORDERS("every order asked for was sent"),
        DURATION("the duration was over"),
        SEND_FAILED("Kafka did not take an order"),
        HTTP_FAILED("an instance did not answer, or answered with another order id than the order's key names"),
        STALLED("the window of orders in flight stayed full for the whole timeout: the pipeline ended no order");

        private final String reason;

        Stop(final String reason) {
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    private final Producer<String, Order> producer;
    private final String topic;
    private final OrderMix mix;
    private final Outcomes outcomes;
    private final Rate rate;
    private final Duration stallTimeout;

    public OrderSender(
            final Producer<String, Order> producer,
            final String topic,
            final OrderMix mix,
            final Outcomes outcomes,
            final Rate rate,
            final Duration stallTimeout) {
        this.producer = producer;
        this.topic = topic;
        this.mix = mix;
        this.outcomes = outcomes;
        this.rate = rate;
        this.stallTimeout = stallTimeout;
    }

    /**
     * Sends until {@code orders} are sent or {@code duration} is over, whichever comes first, and
     * returns once Kafka answered for every order sent.
     *
     * @param duration null: no limit in time
     */
    public Stop send(final long orders, final Duration duration) throws InterruptedException {
        final long start = System.nanoTime();
        final long window = duration == null ? Long.MAX_VALUE : duration.toNanos();
        Stop stop = Stop.ORDERS;
        for (long seq = 0; seq < orders; seq++) {
            final long due = rate.dueNanos(start, seq);
            if ((rate.max() ? System.nanoTime() : due) - start >= window) {
                stop = Stop.DURATION;
                break;
            }
            parkUntil(due);
            final long left = window - (System.nanoTime() - start);
            if (!outcomes.awaitRoom(Duration.ofNanos(Math.min(stallTimeout.toNanos(), Math.max(0, left))))) {
                stop = left <= stallTimeout.toNanos() ? Stop.DURATION : Stop.STALLED;
                break;
            }
            if (outcomes.firstFailure() != null) {
                stop = Stop.SEND_FAILED;
                break;
            }
            final long now = System.nanoTime();
            send(seq, rate.max() ? now : due, now);
        }
        producer.flush();
        return outcomes.firstFailure() != null ? Stop.SEND_FAILED : stop;
    }

    private void send(final long seq, final long placedAt, final long now) {
        final Order order = mix.order(seq);
        // placed before it is sent: its end can be read before send() returns
        outcomes.placed(seq, placedAt, now);
        try {
            producer.send(
                    new ProducerRecord<>(
                            topic, null, order.customerId(), order, CorrelationId.headers(mix.correlationId(seq))),
                    (metadata, exception) -> {
                        if (exception != null) {
                            outcomes.failed(seq, exception);
                        }
                    });
        } catch (KafkaException e) {
            outcomes.failed(seq, e);
        }
    }

    /** Waits until {@code due} on the {@link System#nanoTime()} clock. */
    static void parkUntil(final long due) throws InterruptedException {
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
