package io.purchasepipeline.http;

import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.RuntimeMetrics;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the tail of {@code order-events} for the operator page's latest orders and ends per
 * second ({@link RecentOrders}).
 *
 * <p>Why this source: the orders' own store ({@code order-status}) is spread over the customers'
 * partitions, lives on whichever instance owns each, and has no index by time, so "the latest
 * orders" from it would be a scan of every partition on every instance. {@code order-events} has
 * every status change of every order, committed once (read_committed under exactly-once), and every
 * instance reads all of its partitions outside any group: the view is the same on every instance
 * (up to a poll's lag) and needs no forwarding. It is bounded: reading starts a fixed number of
 * records before each partition's end, and what is kept is a fixed number of orders and seconds,
 * so a poll of the page copies a small view however long the pipeline has run or however fast
 * orders come.
 */
public final class OrderEventTail implements AutoCloseable {

    /** How many records before each partition's end reading starts. */
    static final int BACKLOG_PER_PARTITION = 500;
    /** How many orders the latest-orders list keeps. */
    static final int ORDERS_KEPT = 200;

    private static final Logger log = LoggerFactory.getLogger(OrderEventTail.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Consumer<byte[], byte[]> consumer;
    private final RecentOrders recent = new RecentOrders(ORDERS_KEPT);
    private final Deserializer<OrderEvent> events =
            Topics.ORDER_EVENTS.valueSerde().deserializer();
    private final Thread reader;
    private volatile boolean closed;

    /** Reads with {@code consumer} (without a group; assigned here) once {@link #start()}ed. */
    OrderEventTail(final Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        this.reader = new Thread(this::read, "order-events-tail");
        reader.setDaemon(true);
    }

    /**
     * Starts reading in a thread of its own; returns at once.
     *
     * @param clients the instance's Kafka connection (bootstrap servers, security)
     * @param clientId names the consumer in Kafka's metrics and logs
     * @param metrics where the consumer's metrics go
     */
    public static OrderEventTail start(
            final KafkaClients clients, final String clientId, final RuntimeMetrics metrics) {
        final Properties props = clients.named(clientId).committedReader();
        // a position the log no longer has (retention moved on) continues from the end: the tail is what matters
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        final KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        metrics.client(consumer);
        return new OrderEventTail(consumer).start();
    }

    OrderEventTail start() {
        reader.start();
        return this;
    }

    RecentOrders.View view(final int limit, final int seconds, final long now) {
        return recent.view(limit, seconds, now);
    }

    private void read() {
        try {
            while (!closed && !assignedAtTail()) {
                Thread.sleep(POLL.toMillis());
            }
            while (!closed) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closed
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("The operator page's latest orders stopped following order-events: {}", e.toString());
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * Every partition of order-events, from {@link #BACKLOG_PER_PARTITION} records before its end;
     * false when Kafka cannot say yet (unreachable, or the topic not made yet).
     */
    private boolean assignedAtTail() {
        try {
            final List<TopicPartition> partitions =
                    consumer.partitionsFor(Topics.ORDER_EVENTS.name(), POLL.multipliedBy(10)).stream()
                            .map(info -> new TopicPartition(info.topic(), info.partition()))
                            .toList();
            if (partitions.isEmpty()) {
                return false;
            }
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, POLL.multipliedBy(10));
            final Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, POLL.multipliedBy(10));
            consumer.assign(partitions);
            partitions.forEach(partition -> consumer.seek(
                    partition, Math.max(beginnings.get(partition), ends.get(partition) - BACKLOG_PER_PARTITION)));
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    private void apply(final ConsumerRecord<byte[], byte[]> record) {
        try {
            final OrderEvent event = events.deserialize(record.topic(), record.value());
            if (event != null && event.orderId() != null && event.status() != null) {
                recent.apply(event);
            }
        } catch (SerializationException e) {
            // the pipeline sends what it cannot read to dead-letters; the page just skips it
            log.debug(
                    "Skipped an unreadable order event at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        reader.join(Duration.ofSeconds(10).toMillis());
    }
}
