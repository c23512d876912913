package io.purchasepipeline.verify;

import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes raw records of the topics {@code verify} reads with each topic's own serde (the one the
 * pipeline writes with) and hands them to an {@link InvariantChecker}. Records are read as bytes
 * so that one unreadable record is reported, not fatal to the whole run.
 */
public final class TopicRecordDecoder {

    /** The topics the invariants are checked from. */
    public static final List<String> TOPICS = List.of(
            Topics.ORDERS.name(),
            Topics.DEAD_LETTERS,
            Topics.ORDER_EVENTS.name(),
            Topics.PRODUCTS.name(),
            Topics.SEAT_RESERVATION_RESULTS.name(),
            Topics.EMAILS.name());

    /** Where Kafka Streams' dead-letter records name the record they stand for. */
    static final String SOURCE_TOPIC_HEADER = "__streams.errors.topic";

    static final String SOURCE_PARTITION_HEADER = "__streams.errors.partition";
    static final String SOURCE_OFFSET_HEADER = "__streams.errors.offset";

    private static final Logger log = LoggerFactory.getLogger(TopicRecordDecoder.class);

    private final InvariantChecker checker;

    public TopicRecordDecoder(final InvariantChecker checker) {
        this.checker = checker;
    }

    public void accept(final ConsumerRecord<byte[], byte[]> record) {
        final RecordPosition at = new RecordPosition(record.topic(), record.partition(), record.offset());
        try {
            if (Topics.DEAD_LETTERS.equals(record.topic())) {
                checker.deadLetter(at, source(at, record.headers()));
            } else if (Topics.ORDERS.name().equals(record.topic())) {
                checker.order(at, value(Topics.ORDERS, record));
            } else if (Topics.ORDER_EVENTS.name().equals(record.topic())) {
                checker.orderEvent(at, value(Topics.ORDER_EVENTS, record));
            } else if (Topics.PRODUCTS.name().equals(record.topic())) {
                final String sku = Topics.PRODUCTS.keySerde().deserializer().deserialize(record.topic(), record.key());
                if (sku == null) {
                    throw new SerializationException("product without a key");
                }
                checker.product(
                        at,
                        sku,
                        Topics.PRODUCTS.valueSerde().deserializer().deserialize(record.topic(), record.value()));
            } else if (Topics.SEAT_RESERVATION_RESULTS.name().equals(record.topic())) {
                checker.seatResult(at, value(Topics.SEAT_RESERVATION_RESULTS, record));
            } else if (Topics.EMAILS.name().equals(record.topic())) {
                checker.email(at, value(Topics.EMAILS, record));
            } else {
                throw new IllegalArgumentException("verify does not read " + record.topic());
            }
        } catch (SerializationException e) {
            checker.unreadable(at, e.getMessage());
        }
    }

    /** A value that must be there: only {@code products} has tombstones. */
    private static <V> V value(final Topic<V> topic, final ConsumerRecord<byte[], byte[]> record) {
        final V value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
        if (value == null) {
            throw new SerializationException("no value on " + topic.name());
        }
        return value;
    }

    /** The record a dead letter stands for, from the headers Kafka Streams adds; null when they are not all there. */
    private static RecordPosition source(final RecordPosition at, final Headers headers) {
        final String topic = text(headers.lastHeader(SOURCE_TOPIC_HEADER));
        final String partition = text(headers.lastHeader(SOURCE_PARTITION_HEADER));
        final String offset = text(headers.lastHeader(SOURCE_OFFSET_HEADER));
        if (topic == null || partition == null || offset == null) {
            log.warn("Dead letter {} does not name its source record: an order it stands for counts as accepted", at);
            return null;
        }
        try {
            return new RecordPosition(topic, Integer.parseInt(partition), Long.parseLong(offset));
        } catch (NumberFormatException e) {
            log.warn("Dead letter {} names its source as partition {} offset {}: ignored", at, partition, offset);
            return null;
        }
    }

    private static String text(final Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
