package io.purchasepipeline.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.verify.VerificationReport.SkuStock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class TopicRecordDecoderTest {

    private final InvariantChecker checker = new InvariantChecker(false);
    private final TopicRecordDecoder feed = new TopicRecordDecoder(checker);

    @Test
    void orderNamedByADeadLetterIsNotAccepted() {
        feed.accept(record(Topics.ORDERS, 2, 7, "alice", order("o-1")));
        feed.accept(deadLetter(Topics.ORDERS.name(), "2", "7"));

        final VerificationReport report = checker.report();

        assertThat(report.orders().deadLettered()).isEqualTo(1);
        assertThat(report.orders().accepted()).isZero();
        assertThat(report.ok()).isTrue();
    }

    @Test
    void deadLetterWithoutItsSourceHeadersHidesNothing() {
        feed.accept(record(Topics.ORDERS, 0, 0, "alice", order("o-1")));
        feed.accept(deadLetter(Topics.ORDERS.name(), "0", null));
        feed.accept(deadLetter(Topics.ORDERS.name(), "zero", "0"));

        final VerificationReport report = checker.report();

        assertThat(report.orders().accepted()).isEqualTo(1);
        assertThat(report.recordsRead()).containsEntry(Topics.DEAD_LETTERS, 2L);
    }

    @Test
    void unreadableOrderIsRefusedInputButUnreadableOutputIsAViolation() {
        feed.accept(raw(Topics.ORDERS.name(), 0, 0, "alice", "{not json"));
        feed.accept(raw(Topics.ORDER_EVENTS.name(), 1, 4, "o-1", "[]"));
        feed.accept(raw(Topics.EMAILS.name(), 0, 3, "o-1/order_received", null));

        final VerificationReport report = checker.report();

        assertThat(report.orders().unreadable()).isEqualTo(1);
        assertThat(report.check(InvariantChecker.READABLE).violations())
                .extracting(violation -> violation.ids().get(0))
                .containsExactly("order-events-1@4", "emails-0@3");
    }

    @Test
    void productTombstoneDeletesTheSku() {
        feed.accept(record(
                Topics.PRODUCTS, 0, 0, "book", new Product("book", "Book", ProductKind.PHYSICAL, BigDecimal.ONE, 3L)));
        feed.accept(record(
                Topics.PRODUCTS, 0, 1, "mug", new Product("mug", "Mug", ProductKind.PHYSICAL, BigDecimal.ONE, 2L)));
        feed.accept(raw(Topics.PRODUCTS.name(), 0, 2, "mug", null));

        assertThat(checker.report().physicalStock()).containsExactly(new SkuStock("book", 3, 0));
    }

    private static Order order(final String orderId) {
        return new Order(
                orderId,
                "alice",
                "Alice",
                "a@example.com",
                List.of(new OrderLine("book", 1)),
                new PaymentDetails("4242424242424242"));
    }

    private static <V> ConsumerRecord<byte[], byte[]> record(
            final Topic<V> topic, final int partition, final long offset, final String key, final V value) {
        return new ConsumerRecord<>(
                topic.name(),
                partition,
                offset,
                bytes(key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    private static ConsumerRecord<byte[], byte[]> raw(
            final String topic, final int partition, final long offset, final String key, final String value) {
        return new ConsumerRecord<>(topic, partition, offset, bytes(key), bytes(value));
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(
            final String topic, final String partition, final String offset) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(TopicRecordDecoder.SOURCE_TOPIC_HEADER, bytes(topic));
        headers.add(TopicRecordDecoder.SOURCE_PARTITION_HEADER, bytes(partition));
        if (offset != null) {
            headers.add(TopicRecordDecoder.SOURCE_OFFSET_HEADER, bytes(offset));
        }
        return new ConsumerRecord<>(
                Topics.DEAD_LETTERS,
                0,
                0,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                null,
                bytes("{}"),
                headers,
                Optional.empty());
    }

    private static byte[] bytes(final String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
