package io.purchasepipeline.runtime;

import io.opentelemetry.context.Context;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.TraceParent;
import java.time.Duration;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** One idempotent producer for every topic, each record written with its topic's own serdes. */
public final class TopicWriter implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;

    public TopicWriter(final Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public <V> Future<RecordMetadata> send(final Topic<V> topic, final String key, final V value) {
        return send(topic, key, value, null);
    }

    /**
     * With {@code correlationId} in the record's header (none when it is null), and the current
     * span's trace context (that of the request being served) when there is one.
     */
    public <V> Future<RecordMetadata> send(
            final Topic<V> topic, final String key, final V value, final String correlationId) {
        return producer.send(new ProducerRecord<>(
                topic.name(),
                null,
                topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value),
                TraceParent.inject(Context.current(), CorrelationId.headers(correlationId))));
    }

    /** Bounded: with Kafka gone, unsent records are given up after a while rather than waited for forever. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
