package io.purchasepipeline.payment;

import io.purchasepipeline.serdes.PaymentRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The requests a worker read and has not committed, per partition in offset order, and those of
 * them still waiting for a free gateway call. Only the worker's own thread touches it; an answer
 * arrives from a call's thread through its entry's {@code output}.
 */
final class Uncommitted {

    /** A request read and not yet committed; {@code output} is set once it is answered (a result or a dead letter). */
    static final class Entry {
        final ConsumerRecord<byte[], byte[]> record;
        PaymentRequest request;
        volatile ProducerRecord<byte[], byte[]> output;

        Entry(final ConsumerRecord<byte[], byte[]> record) {
            this.record = record;
        }
    }

    /** The answered requests at the head of each partition: what one transaction commits. */
    record Answered(
            List<ProducerRecord<byte[], byte[]>> outputs,
            Map<TopicPartition, OffsetAndMetadata> positions,
            Map<TopicPartition, Integer> counts) {}

    private final Map<TopicPartition, Deque<Entry>> byPartition = new HashMap<>();
    /** Read, well formed, not yet asked: waits for a free call. */
    private final Deque<Entry> waiting = new ArrayDeque<>();

    /** A request read: it waits for its answer, and for its turn to be committed. */
    Entry add(final ConsumerRecord<byte[], byte[]> record) {
        final Entry entry = new Entry(record);
        byPartition
                .computeIfAbsent(
                        new TopicPartition(record.topic(), record.partition()), partition -> new ArrayDeque<>())
                .add(entry);
        return entry;
    }

    void awaitCall(final Entry entry) {
        waiting.add(entry);
    }

    /** The next request waiting for a call, or null. */
    Entry nextWaiting() {
        return waiting.poll();
    }

    int waitingCount() {
        return waiting.size();
    }

    boolean isEmpty() {
        return byPartition.isEmpty();
    }

    Answered answeredHeads() {
        final Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        final Map<TopicPartition, Integer> counts = new HashMap<>();
        final List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        byPartition.forEach((partition, entries) -> {
            int count = 0;
            for (final Entry entry : entries) {
                final ProducerRecord<byte[], byte[]> output = entry.output;
                if (output == null) {
                    break;
                }
                outputs.add(output);
                positions.put(partition, new OffsetAndMetadata(entry.record.offset() + 1));
                count++;
            }
            if (count > 0) {
                counts.put(partition, count);
            }
        });
        return new Answered(outputs, positions, counts);
    }

    /** The committed heads go. */
    void committed(final Answered answered) {
        answered.counts().forEach((partition, count) -> {
            final Deque<Entry> entries = byPartition.get(partition);
            for (int i = 0; i < count; i++) {
                entries.poll();
            }
            if (entries.isEmpty()) {
                byPartition.remove(partition);
            }
        });
    }

    /** Everything is dropped, after {@code seek} was told where each partition's first uncommitted request is. */
    void rewind(final BiConsumer<TopicPartition, Long> seek) {
        byPartition.forEach((partition, entries) -> {
            if (!entries.isEmpty()) {
                seek.accept(partition, entries.peekFirst().record.offset());
            }
        });
        byPartition.clear();
        waiting.clear();
    }

    void forget(final Collection<TopicPartition> partitions) {
        final Set<TopicPartition> gone = new HashSet<>(partitions);
        partitions.forEach(byPartition::remove);
        waiting.removeIf(entry -> gone.contains(new TopicPartition(entry.record.topic(), entry.record.partition())));
    }
}
