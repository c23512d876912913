package io.purchasepipeline.http;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;

/** A mock consumer whose empty poll waits a little, as a real one does, instead of spinning. */
final class PollingMockConsumer<K, V> extends MockConsumer<K, V> {

    PollingMockConsumer() {
        super("latest");
    }

    @Override
    public ConsumerRecords<K, V> poll(final Duration timeout) {
        final ConsumerRecords<K, V> records = super.poll(timeout);
        if (records.isEmpty()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return records;
    }
}
