package io.purchasepipeline.app;

import io.purchasepipeline.serdes.Topic;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** One idempotent producer for every topic, each record written with its topic's own serdes. */
public final class Publisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;

    public Publisher(final Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public <V> Future<RecordMetadata> send(final Topic<V> topic, final String key, final V value) {
        return producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    @Override
    public void close() {
        producer.close();
    }
}
