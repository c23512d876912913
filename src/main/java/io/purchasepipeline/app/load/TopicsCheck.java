package io.purchasepipeline.app.load;

import io.purchasepipeline.app.InvariantChecker;
import io.purchasepipeline.app.RecordFeed;
import io.purchasepipeline.app.RecordPosition;
import io.purchasepipeline.app.VerificationReport;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The contract's invariants after a run, judged as {@code verify} judges them: the pipeline's
 * topics read from the beginning to their committed ends and fed to an {@link InvariantChecker}.
 * Orders still in flight (another client's, an earlier run's) are tolerated: the run's own orders
 * are held to ending exactly once by {@link Outcomes}.
 */
final class TopicsCheck {

    private static final Duration POLL = Duration.ofMillis(500);
    /** Giving up when no partition moves for this long beats waiting forever on a Kafka that went away. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    private TopicsCheck() {
    }

    static VerificationReport run(final Properties clientProps) {
        final Properties props = new Properties();
        props.putAll(clientProps);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        final InvariantChecker checker = new InvariantChecker(true);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> events = partitions(consumer, Topics.ORDER_EVENTS.name());
            final List<TopicPartition> others = RecordFeed.TOPICS.stream()
                    .filter(topic -> !topic.equals(Topics.ORDER_EVENTS.name()))
                    .flatMap(topic -> partitions(consumer, topic).stream()).toList();
            consumer.assign(Stream.concat(events.stream(), others.stream()).toList());
            // order-events' ends first, so every other topic is read at least as far as the events it is compared with
            final Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(events));
            ends.putAll(consumer.endOffsets(others));
            consumer.beginningOffsets(ends.keySet()).forEach((partition, first) -> {
                if (first > 0) {
                    checker.truncated(new RecordPosition(partition.topic(), partition.partition(), first));
                }
            });
            consumer.seekToBeginning(ends.keySet());
            readToEnds(consumer, ends, new RecordFeed(checker));
        }
        return checker.report();
    }

    private static void readToEnds(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> ends,
                                   final RecordFeed feed) {
        final Set<TopicPartition> open = new HashSet<>(ends.keySet());
        final Map<TopicPartition, Long> positions = new HashMap<>();
        long lastProgress = System.nanoTime();
        while (!open.isEmpty()) {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    feed.accept(record);
                }
            }
            // positions, not records, tell progress: transaction markers and aborted records move them too
            boolean moved = false;
            for (final Iterator<TopicPartition> partitions = open.iterator(); partitions.hasNext(); ) {
                final TopicPartition partition = partitions.next();
                final long position = consumer.position(partition);
                moved |= !Long.valueOf(position).equals(positions.put(partition, position));
                if (position >= ends.get(partition)) {
                    partitions.remove();
                    consumer.pause(List.of(partition));
                }
            }
            if (moved) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("Checking the invariants: nothing read for " + STALL_LIMIT.toSeconds()
                        + " s; still to read: " + open);
            }
        }
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<byte[], byte[]> consumer, final String topic) {
        final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("No topic " + topic + " in this Kafka: has the pipeline run here?");
        }
        return partitions;
    }
}
