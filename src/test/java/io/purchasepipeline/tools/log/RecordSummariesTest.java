package io.purchasepipeline.tools.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.runtime.DeadLetters;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.EmailCounts;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.ReservationAction;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordSummariesTest {

    private static final String ORDER = "9f2c-41aa-0b7d1c2e";
    private static final long AT = 1_765_000_000_123L;

    private final RecordSummaries summaries = new RecordSummaries();

    @Test
    void anOrderIsSummarisedByItsLinesAndFoundByItsIdThoughKeyedByCustomer() {
        final LogEntry entry = entry(
                Topics.ORDERS,
                "alice",
                new Order(
                        ORDER,
                        "alice",
                        "Alice",
                        "alice@example.com",
                        List.of(new OrderLine("book-kafka", 2), new OrderLine("concert-A1", 1)),
                        new PaymentDetails("424242******4242")),
                "cid-1");

        assertThat(entry.summary()).isEqualTo("order " + ORDER + " for alice: 2 x book-kafka, 1 x concert-A1");
        assertThat(entry.orderIds()).contains(ORDER);
        assertThat(entry.line())
                .isEqualTo("2025-12-06T05:46:40.123Z  orders[0]@7  key=alice  cid=cid-1  " + entry.summary());
    }

    @Test
    void eachStepOfAnOrderSaysWhatHappened() {
        assertThat(entry(
                                Topics.ORDER_EVENTS,
                                ORDER,
                                new OrderEvent(ORDER, 3, OrderStatus.COMPLETED, "paid", AT, "c"),
                                "c")
                        .summary())
                .isEqualTo("order " + ORDER + " #3 COMPLETED: paid");
        assertThat(entry(
                                Topics.RESERVATION_COMMANDS,
                                "book-kafka",
                                new ReservationCommand(ORDER, "book-kafka", ReservationAction.HOLD, 2, "alice"),
                                "c")
                        .summary())
                .isEqualTo("HOLD 2 x book-kafka for order " + ORDER);
        assertThat(entry(
                                Topics.PAYMENT_REQUESTS,
                                "alice",
                                new PaymentRequest(
                                        ORDER,
                                        "alice",
                                        PaymentOperation.AUTHORISE,
                                        new BigDecimal("98.00"),
                                        "EUR",
                                        "424242******4242",
                                        null),
                                "c")
                        .summary())
                .isEqualTo("AUTHORISE 98.00 EUR for order " + ORDER);
        assertThat(entry(
                                Topics.CATALOG,
                                "lamp",
                                new Product("lamp", "Desk lamp", ProductKind.PHYSICAL, new BigDecimal("12.50"), 3L),
                                null)
                        .summary())
                .isEqualTo("PHYSICAL lamp \"Desk lamp\" at 12.50, 3 stocked");
    }

    @Test
    void emailsAreFoundByTheOrderInTheirIdKey() {
        final String emailId = EmailRequest.idFor(ORDER, EmailKind.ORDER_COMPLETED);

        final LogEntry outcome = entry(
                Topics.EMAIL_OUTCOMES,
                emailId,
                new EmailOutcome(emailId, EmailKind.ORDER_COMPLETED, null, EmailOutcome.Status.SENT, null, AT),
                null);

        assertThat(outcome.summary()).isEqualTo("SENT ORDER_COMPLETED email " + emailId);
        assertThat(outcome.orderIds()).contains(ORDER);
    }

    @Test
    void theMailSendersCountsAreSummarised() {
        assertThat(entry(Topics.EMAIL_COUNTS, null, new EmailCounts(3, 1), null).summary())
                .isEqualTo("emails settled: 3 sent, 1 bounced");
    }

    @Test
    void aValueThatIsNotItsTopicsTypeIsSummarisedNotFatal() {
        final LogEntry garbage = raw(
                Topics.ORDERS.name(),
                "mallory".getBytes(StandardCharsets.UTF_8),
                "{\"orderId\": 12, \u0001oops".getBytes(StandardCharsets.UTF_8),
                "cid-bad");
        final LogEntry wrongType = raw(
                Topics.ORDER_EVENTS.name(),
                null,
                "{\"orderId\":\"o-9\",\"seq\":\"first\"}".getBytes(StandardCharsets.UTF_8),
                null);

        assertThat(garbage.summary()).isEqualTo("unreadable: 21 bytes, not JSON: \"{\"orderId\": 12, .oops\"");
        assertThat(garbage.correlationId()).isEqualTo("cid-bad");
        assertThat(wrongType.summary()).isEqualTo("unreadable: orderId=o-9");
        assertThat(wrongType.orderIds()).containsExactly("o-9");
        assertThat(raw(Topics.EMAILS.name(), null, null, null).summary()).isEqualTo("tombstone");
    }

    @Test
    void internalTopicsAreSummarisedByTheirTellingFieldsAndBinaryKeysShownInHex() {
        final LogEntry changelog = raw(
                "purchase-pipeline-order-status-changelog",
                new byte[] {0, 0, 1, (byte) 0xff},
                ("{\"order\":{\"orderId\":\"" + ORDER + "\",\"items\":[{\"sku\":\"book\",\"quantity\":1}]},"
                                + "\"steps\":[{\"status\":\"PENDING\"}]}")
                        .getBytes(StandardCharsets.UTF_8),
                null);

        assertThat(changelog.summary()).isEqualTo("status=PENDING orderId=" + ORDER + " sku=book quantity=1");
        assertThat(changelog.orderIds()).containsExactly(ORDER);
        assertThat(changelog.key()).isEqualTo("0x000001ff");
    }

    @Test
    void aDeadLetterNamesItsSourceAndReason() {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetters.TOPIC, "orders".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.PARTITION, "2".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.OFFSET, "41".getBytes(StandardCharsets.UTF_8));
        headers.add(
                DeadLetters.EXCEPTION,
                "org.apache.kafka.common.errors.SerializationException".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.MESSAGE, "Payload on orders is not valid\nline two".getBytes(StandardCharsets.UTF_8));

        final LogEntry letter = summaries.entry(new ConsumerRecord<>(
                Topics.DEAD_LETTERS,
                0,
                3L,
                AT,
                TimestampType.CREATE_TIME,
                7,
                5,
                "alice".getBytes(StandardCharsets.UTF_8),
                "oops!".getBytes(StandardCharsets.UTF_8),
                headers,
                Optional.empty()));

        assertThat(letter.summary())
                .isEqualTo("dead letter of orders[2]@41 (org.apache.kafka.common.errors.SerializationException: "
                        + "Payload on orders is not valid line two): 5 bytes, not JSON: \"oops!\"");
        assertThat(letter.line()).doesNotContain("\n");
    }

    @Test
    void theFilterTakesOneOrderOrOneRequest() {
        final LogEntry entry = new LogEntry(AT, "orders", 0, 0, "alice", "cid-1", "s", Set.of(ORDER));

        assertThat(new LogFilter(ORDER, null).matches(entry)).isTrue();
        assertThat(new LogFilter("another", null).matches(entry)).isFalse();
        assertThat(new LogFilter(null, "cid-1").matches(entry)).isTrue();
        assertThat(new LogFilter(null, "cid-2").matches(entry)).isFalse();
        assertThat(new LogFilter(ORDER, "cid-2").matches(entry)).isFalse();
        assertThat(new LogFilter(null, null).matches(entry)).isTrue();
    }

    private <V> LogEntry entry(final Topic<V> topic, final String key, final V value, final String correlationId) {
        return raw(
                topic.name(),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(topic.name(), value),
                correlationId);
    }

    private LogEntry raw(final String topic, final byte[] key, final byte[] value, final String correlationId) {
        return summaries.entry(new ConsumerRecord<>(
                topic,
                0,
                7L,
                AT,
                TimestampType.CREATE_TIME,
                key == null ? -1 : key.length,
                value == null ? -1 : value.length,
                key,
                value,
                CorrelationId.headers(correlationId),
                Optional.empty()));
    }
}
