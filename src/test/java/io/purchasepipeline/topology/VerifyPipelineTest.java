package io.purchasepipeline.topology;

import static io.purchasepipeline.topology.PipelineDriver.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.verify.InvariantChecker;
import io.purchasepipeline.verify.TopicRecordDecoder;
import io.purchasepipeline.verify.VerificationReport;
import io.purchasepipeline.verify.VerificationReport.SkuStock;
import io.purchasepipeline.verify.VerificationReport.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real topology in a test driver, its topics handed to {@code verify}'s checker as a broker
 * would hand them (raw bytes through {@link TopicRecordDecoder}): a drained run with every kind of outcome
 * passes, and the same records with one forged or lost record fail on the invariant it breaks.
 */
class VerifyPipelineTest {

    private static final String OK = GatewayDesk.APPROVED_CARD;

    /** Every record of verify's topics after a drained run. */
    private static List<ConsumerRecord<byte[], byte[]>> drained;

    private static String completedBook;
    private static String outOfStock;
    private static String seatBuyer;

    @BeforeAll
    static void runPipelineUntilDrained() {
        try (Recording run = new Recording()) {
            final PipelineDriver pipeline = run.pipeline;
            pipeline.define("book", ProductKind.PHYSICAL, "25.00", 5L);
            pipeline.define("tv", ProductKind.PHYSICAL, "2000.00", 5L);
            pipeline.define("ebook", ProductKind.DIGITAL, "9.99", null);
            pipeline.define("seat-1A", ProductKind.SEAT, "120.00", null);
            pipeline.define("seat-1B", ProductKind.SEAT, "120.00", null);

            final Order first = run.order("alice", OK, line("book", 2), line("ebook", 1));
            completedBook = first.orderId();
            run.order("bob", OK, line("book", 2), line("book", 1));
            outOfStock = run.order("carol", OK, line("book", 1)).orderId();
            run.order("mallory", OK, line("tv", 3));
            run.order("dave", GatewayDesk.DECLINED_CARD, line("tv", 1));
            run.order("erin", GatewayDesk.UNAVAILABLE_CARD, line("tv", 1));
            seatBuyer = run.order("frank", OK, line("seat-1A", 1)).orderId();
            run.order("grace", OK, line("seat-1A", 1));
            run.seat("seat-1B", "u1", SeatAction.RESERVE);
            run.seat("seat-1B", "u1", SeatAction.RELEASE);
            run.order("henry", OK, line("seat-1B", 1));
            run.seat("seat-1B", "u2", SeatAction.RESERVE);
            run.seat("seat-1A", "u3", SeatAction.RESERVE);
            run.place(first);
            run.rawOrder("zed", "{not json");
            run.rawOrder("alice", """
                    {"orderId":"o-empty","customerId":"alice","customerName":"Alice","email":"a@example.com",
                     "items":[],"payment":{"card":"4242424242424242"}}""");
            pipeline.define("tv", ProductKind.PHYSICAL, "2000.00", 8L);
            run.order("ivan", OK, line("tv", 2));
            pipeline.advanceWallClock(Duration.ofMinutes(11));

            drained = run.records();
        }
    }

    @Test
    void drainedPipelinePassesEveryCheck() {
        final VerificationReport report = check(drained, false);

        assertThat(report.checks())
                .allSatisfy(
                        check -> assertThat(check.violations()).as(check.name()).isEmpty());
        assertThat(report.ok()).isTrue();
        assertThat(report.terminalStates())
                .containsExactly(
                        Map.entry(OrderStatus.COMPLETED, 5L),
                        Map.entry(OrderStatus.REJECTED_FRAUD, 1L),
                        Map.entry(OrderStatus.REJECTED_OUT_OF_STOCK, 2L),
                        Map.entry(OrderStatus.PAYMENT_DECLINED, 1L),
                        Map.entry(OrderStatus.EXPIRED, 1L));
        assertThat(report.orders()).isEqualTo(new VerificationReport.OrderCounts(13, 10, 1, 1, 1));
        assertThat(report.physicalStock()).containsExactly(new SkuStock("book", 5, 5), new SkuStock("tv", 8, 2));
    }

    @Test
    void pipelineStillWorkingHasPendingOrdersThatFailUnlessAllowed() {
        final List<ConsumerRecord<byte[], byte[]>> working;
        final String awaiting;
        try (Recording run = new Recording()) {
            run.pipeline.define("book", ProductKind.PHYSICAL, "25.00", 5L);
            run.order("alice", OK, line("book", 1));
            awaiting = run.order("bob", GatewayDesk.UNAVAILABLE_CARD, line("book", 1))
                    .orderId();
            working = run.records();
        }

        final VerificationReport strict = check(working, false);
        assertThat(strict.ok()).isFalse();
        assertThat(strict.check("pending").violations()).singleElement().satisfies(violation -> {
            assertThat(violation.ids()).containsExactly(awaiting);
            assertThat(violation.message()).contains(OrderStatus.AWAITING_PAYMENT.name());
        });
        assertThat(failing(strict)).containsExactly("pending");
        assertThat(check(working, true).ok()).isTrue();
    }

    @Test
    void duplicatedCompletedEventFails() {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(drained);
        records.add(copy(find(
                Topics.ORDER_EVENTS,
                event -> event.orderId().equals(completedBook) && event.status() == OrderStatus.COMPLETED)));

        final VerificationReport report = check(records, false);

        assertThat(failing(report)).containsExactly("terminal-state", "charged-once");
        assertThat(report.check("charged-once").violations())
                .containsExactly(new Violation(List.of(completedBook), "COMPLETED 2 times"));
    }

    @Test
    void oversoldSkuFails() {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(drained);
        records.addAll(forgedCompletedOrder("o-forged", line("book", 1), line("tv", 6)));

        final VerificationReport report = check(records, false);

        assertThat(failing(report)).containsExactly("physical-stock");
        assertThat(report.check("physical-stock").violations())
                .extracting(Violation::ids)
                .containsExactly(List.of("book"));
        assertThat(report.physicalStock()).contains(new SkuStock("book", 5, 6), new SkuStock("tv", 8, 8));
    }

    @Test
    void seatSoldTwiceFails() {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(drained);
        records.addAll(forgedCompletedOrder("o-forged", line("seat-1A", 1)));

        final VerificationReport report = check(records, false);

        assertThat(failing(report)).containsExactly("seat-holders");
        assertThat(report.check("seat-holders").violations())
                .extracting(Violation::ids)
                .containsExactly(List.of("seat-1A", seatBuyer, "o-forged"));
    }

    @Test
    void duplicatedEmailFails() {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(drained);
        final ConsumerRecord<byte[], byte[]> email = records.stream()
                .filter(record -> record.topic().equals(Topics.EMAILS.name()))
                .findFirst()
                .orElseThrow();
        records.add(copy(email));

        assertThat(failing(check(records, false))).containsExactly("email-ids");
    }

    @Test
    void orderWhoseEventsAreLostFails() {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(drained);
        records.removeIf(record -> record.topic().equals(Topics.ORDER_EVENTS.name())
                && decode(Topics.ORDER_EVENTS, record).orderId().equals(outOfStock));

        final VerificationReport report = check(records, false);

        assertThat(failing(report)).containsExactly("pending");
        assertThat(report.check("pending").violations())
                .containsExactly(new Violation(List.of(outOfStock), "no events yet"));
    }

    /** The dead letter is what tells a refused order from a lost one. */
    @Test
    void refusedOrderWithoutItsDeadLetterLooksLost() {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(drained);
        records.removeIf(record -> record.topic().equals(Topics.DEAD_LETTERS));

        final VerificationReport report = check(records, false);

        assertThat(report.check("pending").violations())
                .extracting(Violation::ids)
                .containsExactly(List.of("o-empty"));
    }

    // ---- helpers

    private static VerificationReport check(
            final List<ConsumerRecord<byte[], byte[]>> records, final boolean allowPending) {
        final InvariantChecker checker = new InvariantChecker(allowPending);
        final TopicRecordDecoder feed = new TopicRecordDecoder(checker);
        records.forEach(feed::accept);
        return checker.report();
    }

    private static List<String> failing(final VerificationReport report) {
        return report.checks().stream()
                .filter(check -> !check.ok())
                .map(VerificationReport.Check::name)
                .toList();
    }

    private static ConsumerRecord<byte[], byte[]> find(
            final Topic<OrderEvent> topic, final Predicate<OrderEvent> matching) {
        return drained.stream()
                .filter(record -> record.topic().equals(topic.name()))
                .filter(record -> matching.test(decode(topic, record)))
                .findFirst()
                .orElseThrow();
    }

    private static <V> V decode(final Topic<V> topic, final ConsumerRecord<byte[], byte[]> record) {
        return topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
    }

    /** The same record again, later in its partition (a duplicate write). */
    private static ConsumerRecord<byte[], byte[]> copy(final ConsumerRecord<byte[], byte[]> record) {
        return new ConsumerRecord<>(
                record.topic(), record.partition(), record.offset() + 100_000, record.key(), record.value());
    }

    /** An order on {@code orders} and a trail on {@code order-events} that completed it, as a broken pipeline could write them. */
    private static List<ConsumerRecord<byte[], byte[]>> forgedCompletedOrder(
            final String orderId, final OrderLine... lines) {
        final Order order =
                new Order(orderId, "forger", "Forger", "f@example.com", List.of(lines), new PaymentDetails(OK));
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(
                new ConsumerRecord<>(Topics.ORDERS.name(), 0, 200_000, bytes("forger"), encode(Topics.ORDERS, order)));
        final OrderStatus[] trail = {
            OrderStatus.PENDING, OrderStatus.RESERVING, OrderStatus.AWAITING_PAYMENT, OrderStatus.COMPLETED
        };
        for (int seq = 1; seq <= trail.length; seq++) {
            records.add(new ConsumerRecord<>(
                    Topics.ORDER_EVENTS.name(),
                    0,
                    200_000 + seq,
                    bytes(orderId),
                    encode(Topics.ORDER_EVENTS, new OrderEvent(orderId, seq, trail[seq - 1], "forged", 0, null))));
        }
        return records;
    }

    private static <V> byte[] encode(final Topic<V> topic, final V value) {
        return topic.valueSerde().serializer().serialize(topic.name(), value);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A pipeline run whose inputs on {@code orders} are recorded with the offsets the driver gives
     * them (so dead letters can name them), and whose outputs are read raw at the end.
     */
    private static final class Recording implements AutoCloseable {

        final PipelineDriver pipeline = new PipelineDriver(new GatewayDesk(), Map.of());
        private final List<ConsumerRecord<byte[], byte[]>> orders = new ArrayList<>();
        private int seatRequests;

        Order order(final String customerId, final String card, final OrderLine... lines) {
            final Order order = pipeline.order(customerId, card, lines);
            recordOrder(customerId, encode(Topics.ORDERS, order));
            return order;
        }

        void place(final Order order) {
            pipeline.place(order);
            recordOrder(order.customerId(), encode(Topics.ORDERS, order));
        }

        void rawOrder(final String key, final String json) {
            pipeline.rawOrder(key, json);
            recordOrder(key, bytes(json));
        }

        /** Straight onto the topic, so that the results stay on the output topic for verify to read. */
        void seat(final String seatId, final String user, final SeatAction action) {
            pipeline.driver
                    .createInputTopic(
                            Topics.SEAT_RESERVATIONS.name(),
                            Topics.SEAT_RESERVATIONS.keySerde().serializer(),
                            Topics.SEAT_RESERVATIONS.valueSerde().serializer())
                    .pipeInput(
                            seatId,
                            new SeatCommand("seat-req-" + ++seatRequests, seatId, user, action),
                            PipelineDriver.START);
        }

        private void recordOrder(final String key, final byte[] value) {
            orders.add(new ConsumerRecord<>(Topics.ORDERS.name(), 0, orders.size(), bytes(key), value));
        }

        List<ConsumerRecord<byte[], byte[]>> records() {
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(orders);
            Stream.of(
                            Topics.ORDER_EVENTS.name(),
                            Topics.PRODUCTS.name(),
                            Topics.SEAT_RESERVATION_RESULTS.name(),
                            Topics.EMAILS.name(),
                            Topics.DEAD_LETTERS)
                    .forEach(topic -> records.addAll(output(topic)));
            return records;
        }

        private List<ConsumerRecord<byte[], byte[]>> output(final String topic) {
            final List<TestRecord<byte[], byte[]>> written = pipeline.driver
                    .createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList();
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int offset = 0; offset < written.size(); offset++) {
                final TestRecord<byte[], byte[]> record = written.get(offset);
                records.add(new ConsumerRecord<>(
                        topic,
                        0,
                        offset,
                        record.timestamp(),
                        TimestampType.CREATE_TIME,
                        -1,
                        -1,
                        record.key(),
                        record.value(),
                        record.headers(),
                        Optional.empty()));
            }
            return records;
        }

        @Override
        public void close() {
            pipeline.close();
        }
    }
}
