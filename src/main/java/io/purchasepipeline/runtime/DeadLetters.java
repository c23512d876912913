package io.purchasepipeline.runtime;

import io.purchasepipeline.serdes.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

/**
 * Dead letters written outside Kafka Streams (by the plain consumers: the mail sender) in the
 * shape Kafka Streams gives its own (KIP-1034): the record as it was read, key, value, timestamp
 * and headers, plus the reason and where it was read in {@code __streams.errors.*} headers. One
 * reader of {@code dead-letters} then understands every letter, whoever wrote it.
 */
public final class DeadLetters {

    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";

    private DeadLetters() {}

    /** The dead letter of {@code record}, which could not be read or processed because of {@code reason}. */
    public static ProducerRecord<byte[], byte[]> of(
            final ConsumerRecord<byte[], byte[]> record, final Exception reason) {
        final ProducerRecord<byte[], byte[]> letter =
                new ProducerRecord<>(Topics.DEAD_LETTERS, null, record.timestamp(), record.key(), record.value());
        for (final Header header : record.headers()) {
            letter.headers().add(header);
        }
        add(letter, EXCEPTION, reason.getClass().getName());
        add(letter, MESSAGE, reason.getMessage());
        add(letter, STACKTRACE, Utils.stackTrace(reason));
        add(letter, TOPIC, record.topic());
        add(letter, PARTITION, String.valueOf(record.partition()));
        add(letter, OFFSET, String.valueOf(record.offset()));
        return letter;
    }

    private static void add(final ProducerRecord<byte[], byte[]> letter, final String key, final String value) {
        letter.headers().add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
