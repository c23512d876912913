package io.purchasepipeline.tools.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.runtime.DeadLetters;
import io.purchasepipeline.serdes.Alert;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.EbookGenerated;
import io.purchasepipeline.serdes.EbookRequest;
import io.purchasepipeline.serdes.EmailCounts;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns a raw record of any pipeline topic into a {@link LogEntry}: the value read with its topic's
 * own serde and summarised in a few words (status, SKU and quantity, email kind...), the orders it
 * concerns taken from the value and the key. Internal topics (repartition, changelog) and values
 * that cannot be read are summarised from whatever JSON or bytes they hold: the log never stops
 * on a record.
 */
final class RecordSummaries {

    /** A summary, and the orders the value names. */
    private record Summary(String text, Set<String> orderIds) {
        static Summary of(final String text, final String orderId) {
            return new Summary(text, orderId == null ? Set.of() : Set.of(orderId));
        }
    }

    /** How much of a value that cannot be read is shown. */
    private static final int SHOWN_BYTES = 48;
    /** The fields a value of an internal topic is summarised by, when it has them (at any depth). */
    private static final List<String> TELLING_FIELDS =
            List.of("status", "orderId", "sku", "quantity", "kind", "action", "outcome", "operation");

    private final Map<String, Function<ConsumerRecord<byte[], byte[]>, Summary>> byTopic = new HashMap<>();

    RecordSummaries() {
        on(
                Topics.ORDERS,
                order -> Summary.of(
                        "order " + order.orderId() + " for " + order.customerId() + ": "
                                + order.items().stream()
                                        .map(line -> line.quantity() + " x " + line.sku())
                                        .collect(Collectors.joining(", ")),
                        order.orderId()));
        on(
                Topics.CUSTOMER_FLAGS,
                flag -> Summary.of(
                        flag.action() + " customer " + flag.customerId()
                                + (flag.reason() == null ? "" : ": " + flag.reason()),
                        null));
        on(Topics.CATALOG, RecordSummaries::product);
        on(Topics.PRODUCTS, RecordSummaries::product);
        on(
                Topics.SEAT_RESERVATIONS,
                (SeatCommand seat) ->
                        Summary.of(seat.action() + " seat " + seat.seatId() + " for " + seat.user(), null));
        on(
                Topics.SEAT_RESERVATION_RESULTS,
                (SeatResult seat) -> Summary.of(
                        seat.outcome() + " seat " + seat.seatId() + " for " + seat.user()
                                + (seat.reservedFor() == null ? "" : " (reserved for " + seat.reservedFor() + ")"),
                        null));
        on(
                Topics.RESERVATION_COMMANDS,
                (ReservationCommand command) -> Summary.of(
                        command.action() + " " + command.quantity() + " x " + command.sku() + " for order "
                                + command.orderId(),
                        command.orderId()));
        on(
                Topics.RESERVATION_RESULTS,
                (LineResult line) -> Summary.of(
                        line.outcome() + " " + line.quantity() + " x " + line.sku() + " for order " + line.orderId(),
                        line.orderId()));
        on(
                Topics.ORDER_EVENTS,
                (OrderEvent event) -> Summary.of(
                        "order " + event.orderId() + " #" + event.seq() + " " + event.status()
                                + (event.detail() == null ? "" : ": " + event.detail()),
                        event.orderId()));
        on(
                Topics.EMAILS,
                (EmailRequest email) -> Summary.of(
                        email.kind() + " email " + email.emailId()
                                + (email.ebooks().isEmpty()
                                        ? ""
                                        : " with " + email.ebooks().size() + " e-book(s)"),
                        email.orderId()));
        on(
                Topics.EMAIL_OUTCOMES,
                (EmailOutcome outcome) -> Summary.of(
                        outcome.status() + " " + outcome.kind() + " email " + outcome.emailId(), outcome.orderId()));
        on(
                Topics.EMAIL_COUNTS,
                (EmailCounts counts) -> Summary.of(
                        "emails settled: " + counts.sent() + " sent, " + counts.bounced() + " bounced", null));
        on(
                Topics.ALERTS,
                (Alert alert) -> Summary.of(
                        String.format(
                                "alert %s %.3f outside %.3f..%.3f (baseline %.3f, %d decided)",
                                alert.metric(),
                                alert.rate(),
                                alert.lower(),
                                alert.upper(),
                                alert.baseline(),
                                alert.volume()),
                        null));
        on(
                Topics.PAYMENT_REQUESTS,
                (PaymentRequest payment) -> Summary.of(
                        payment.operation() + " "
                                + (payment.amount() == null
                                        ? ""
                                        : payment.amount().toPlainString() + " " + payment.currency() + " ")
                                + "for order " + payment.orderId(),
                        payment.orderId()));
        on(
                Topics.PAYMENT_RESULTS,
                (PaymentResult payment) -> Summary.of(
                        payment.operation() + " " + payment.status() + " for order " + payment.orderId()
                                + (payment.detail() == null ? "" : ": " + payment.detail()),
                        payment.orderId()));
        on(
                Topics.EBOOK_REQUESTS,
                (EbookRequest ebook) ->
                        Summary.of("e-book " + ebook.sku() + " to make for order " + ebook.orderId(), ebook.orderId()));
        on(
                Topics.EBOOKS_GENERATED,
                (EbookGenerated ebook) -> Summary.of(
                        "e-book " + ebook.sku() + " made for order " + ebook.orderId() + ", " + ebook.pages()
                                + " pages",
                        ebook.orderId()));
        byTopic.put(Topics.DEAD_LETTERS, RecordSummaries::deadLetter);
    }

    LogEntry entry(final ConsumerRecord<byte[], byte[]> record) {
        final String key = text(record.key());
        final Summary summary = summary(record);
        final Set<String> orderIds = new HashSet<>(summary.orderIds());
        if (key != null) {
            // order-events are keyed by order id, emails and their outcomes by <order id>/<kind>
            orderIds.add(key);
            final int slash = key.indexOf('/');
            if (slash > 0) {
                orderIds.add(key.substring(0, slash));
            }
        }
        return new LogEntry(
                record.timestamp(),
                record.topic(),
                record.partition(),
                record.offset(),
                key != null
                        ? key
                        : record.key() == null ? null : "0x" + HexFormat.of().formatHex(record.key()),
                CorrelationId.of(record.headers()),
                summary.text(),
                orderIds);
    }

    private Summary summary(final ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Summary.of("tombstone", null);
        }
        final Function<ConsumerRecord<byte[], byte[]>, Summary> describe = byTopic.get(record.topic());
        if (describe == null) {
            return untyped(record.value());
        }
        try {
            return describe.apply(record);
        } catch (RuntimeException e) {
            // not its topic's type (a SerializationException), or that type with a field missing: still one line
            final Summary raw = untyped(record.value());
            return new Summary("unreadable: " + raw.text(), raw.orderIds());
        }
    }

    private <V> void on(final Topic<V> topic, final Function<V, Summary> describe) {
        byTopic.put(
                topic.name(),
                record -> describe.apply(topic.valueSerde().deserializer().deserialize(topic.name(), record.value())));
    }

    private static Summary product(final Product product) {
        return Summary.of(
                product.kind() + " " + product.sku() + " \"" + product.name() + "\" at " + product.price()
                        + (product.stock() == null ? "" : ", " + product.stock() + " stocked"),
                null);
    }

    /** A dead letter holds the record as it was read; the reason and the source are in its headers. */
    private static Summary deadLetter(final ConsumerRecord<byte[], byte[]> record) {
        final Headers headers = record.headers();
        final Summary letter = untyped(record.value());
        return new Summary(
                "dead letter of " + header(headers, DeadLetters.TOPIC) + "[" + header(headers, DeadLetters.PARTITION)
                        + "]@" + header(headers, DeadLetters.OFFSET) + " (" + header(headers, DeadLetters.EXCEPTION)
                        + ": "
                        + header(headers, DeadLetters.MESSAGE) + "): " + letter.text(),
                letter.orderIds());
    }

    /** A value of no known type: its telling fields when it is a JSON object, else its size and first bytes. */
    private static Summary untyped(final byte[] value) {
        final JsonNode json;
        try {
            json = JsonSerde.MAPPER.readTree(value);
        } catch (IOException e) {
            return Summary.of(value.length + " bytes, not JSON: " + shown(value), null);
        }
        if (json == null || !json.isObject()) {
            return Summary.of(
                    value.length + " bytes of JSON "
                            + (json == null ? "" : json.getNodeType().name().toLowerCase(Locale.ROOT)),
                    null);
        }
        final List<String> fields = new ArrayList<>();
        for (final String field : TELLING_FIELDS) {
            final JsonNode found = json.findValue(field);
            if (found != null && found.isValueNode()) {
                fields.add(field + "=" + found.asText());
            }
        }
        final Set<String> orderIds = json.findValues("orderId").stream()
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText)
                .collect(Collectors.toSet());
        return new Summary(fields.isEmpty() ? value.length + " bytes of JSON" : String.join(" ", fields), orderIds);
    }

    /** The first bytes as text, with anything unprintable as a dot, so one record is one line. */
    private static String shown(final byte[] value) {
        final String text = new String(value, 0, Math.min(value.length, SHOWN_BYTES), StandardCharsets.UTF_8);
        return "\"" + text.replaceAll("[\\p{Cntrl}\\uFFFD]", ".") + (value.length > SHOWN_BYTES ? "...\"" : "\"");
    }

    private static String header(final Headers headers, final String name) {
        final Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? "?"
                : new String(header.value(), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ");
    }

    /** The key as text when it is printable UTF-8; null when there is none or it is binary (a window store's, a number). */
    private static String text(final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            final String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.chars().anyMatch(Character::isISOControl) ? null : text;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
