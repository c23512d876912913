package io.purchasepipeline.topology;

import static io.purchasepipeline.topology.PipelineDriver.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CorrelationIdTest {

    private static final List<String> CAUSED = List.of(
            Topics.ORDER_EVENTS.name(),
            Topics.EMAILS.name(),
            Topics.RESERVATION_COMMANDS.name(),
            Topics.EBOOK_REQUESTS.name(),
            Topics.PRODUCTS.name());

    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        pipeline = new PipelineDriver(new GatewayDesk(), Map.of());
        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 10L);
        pipeline.define("ebook", ProductKind.DIGITAL, "9.99", null);
        drain(Topics.PRODUCTS.name());
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    @Test
    void everyRecordAnOrderCausedCarriesItsRequestsId() {
        place("o-1", "req-1", GatewayDesk.APPROVED_CARD);
        assertThat(drain(Topics.PAYMENT_REQUESTS.name()))
                .as("payment-requests")
                .singleElement()
                .satisfies(
                        record -> assertThat(CorrelationId.of(record.headers())).isEqualTo("req-1"));
        pipeline.payAnswer(
                new PaymentResult("o-1", "alice", PaymentOperation.AUTHORISE, PaymentStatus.APPROVED, "pay-1", null));

        for (final String topic : List.of(
                Topics.ORDER_EVENTS.name(),
                Topics.EMAILS.name(),
                Topics.RESERVATION_COMMANDS.name(),
                Topics.EBOOK_REQUESTS.name(),
                Topics.RESERVATION_RESULTS.name())) {
            assertThat(drain(topic))
                    .as(topic)
                    .isNotEmpty()
                    .allSatisfy(record ->
                            assertThat(CorrelationId.of(record.headers())).isEqualTo("req-1"));
        }
        assertThat(pipeline.order("o-1").events())
                .extracting(OrderEvent::correlationId)
                .containsOnly("req-1");
    }

    @Test
    void recordsMadeLaterByATimerCarryItToo() {
        place("o-2", "req-2", GatewayDesk.UNAVAILABLE_CARD);
        CAUSED.forEach(this::drain);

        pipeline.advanceWallClock(Duration.ofMinutes(11));

        final List<TestRecord<byte[], byte[]>> expiry = drain(Topics.ORDER_EVENTS.name());
        assertThat(expiry)
                .isNotEmpty()
                .allSatisfy(
                        record -> assertThat(CorrelationId.of(record.headers())).isEqualTo("req-2"));
        assertThat(drain(Topics.RESERVATION_COMMANDS.name()))
                .isNotEmpty()
                .allSatisfy(
                        record -> assertThat(CorrelationId.of(record.headers())).isEqualTo("req-2"));
    }

    private void place(final String orderId, final String correlationId, final String card) {
        final Order order = new Order(
                orderId,
                "alice",
                "Alice",
                "alice@example.com",
                List.of(line("book", 1), line("ebook", 1)),
                new PaymentDetails(card));
        pipeline.driver
                .createInputTopic(
                        Topics.ORDERS.name(),
                        Topics.ORDERS.keySerde().serializer(),
                        Topics.ORDERS.valueSerde().serializer())
                .pipeInput(
                        new TestRecord<>("alice", order, CorrelationId.headers(correlationId), PipelineDriver.START));
    }

    private List<TestRecord<byte[], byte[]>> drain(final String topic) {
        return pipeline.driver
                .createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }
}
