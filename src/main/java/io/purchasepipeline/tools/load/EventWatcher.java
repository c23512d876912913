package io.purchasepipeline.tools.load;

import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code order-events} as the storefront's customers would see them (committed only) and
 * tells {@link Outcomes} when each of the run's orders ends. It reads every partition without a
 * group, from where each stood before the first order was sent, so that no end is missed and none
 * of an earlier run counts. An order ends when its terminal event is read here, which is the
 * moment it became visible to any reader.
 */
public final class EventWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventWatcher.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Outcomes outcomes;
    private final RunIds ids;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private EventWatcher(final KafkaConsumer<byte[], byte[]> consumer, final Outcomes outcomes, final RunIds ids) {
        this.consumer = consumer;
        this.outcomes = outcomes;
        this.ids = ids;
        this.reader = new Thread(this::read, "load-order-events");
        this.reader.setDaemon(true);
    }

    /** Positions the reader at the end of every partition, then starts reading; returns once the positions are fixed. */
    public static EventWatcher start(
            final KafkaClients clients,
            final String topic,
            final Outcomes outcomes,
            final RunIds ids,
            final Duration timeout) {
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                clients.committedReader(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("No topic " + topic + " in this Kafka: is the pipeline running here?");
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // the end is looked up lazily: fix it now, before the first order is sent
            partitions.forEach(partition -> consumer.position(partition, timeout));
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        final EventWatcher watcher = new EventWatcher(consumer, outcomes, ids);
        watcher.reader.start();
        return watcher;
    }

    /** Why reading stopped, or null while it reads. */
    public RuntimeException failure() {
        return failure;
    }

    private void read() {
        try {
            while (running) {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                final long readAt = System.nanoTime();
                for (final ConsumerRecord<byte[], byte[]> record : records) {
                    accept(record, readAt);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("Reading order events failed", e);
            failure = e;
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void accept(final ConsumerRecord<byte[], byte[]> record, final long readAt) {
        final String orderId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        // most events are other runs' or not terminal: the key says whose before any JSON is parsed
        if (ids.seq(orderId) < 0) {
            return;
        }
        final OrderEvent event;
        try {
            event = Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            log.warn(
                    "Unreadable event of order {} at {}-{}@{}: {}",
                    orderId,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return;
        }
        if (event != null && event.status() != null && event.status().terminal()) {
            if (outcomes.ended(orderId, event.status(), readAt) == Outcomes.Ending.DUPLICATE) {
                log.warn("Order {} ended again: {}", orderId, event.status());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(Duration.ofSeconds(10).toMillis());
    }
}
