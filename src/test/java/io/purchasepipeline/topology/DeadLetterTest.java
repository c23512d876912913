package io.purchasepipeline.topology;

import static io.purchasepipeline.topology.PipelineDriver.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.InvalidCommandException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        pipeline = new PipelineDriver(new GatewayDesk(), Map.of());
        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 10L);
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    /**
     * Under exactly-once the test driver clears a dead letter written while a record is read
     * (before its transaction commits), so the read failures are checked at least once here and on
     * a real broker by the integration tests.
     */
    private void readFailuresAtLeastOnce() {
        pipeline.close();
        pipeline = new PipelineDriver(
                new GatewayDesk(), Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE));
        pipeline.define("book", ProductKind.PHYSICAL, "25.00", 10L);
    }

    @Test
    void sendsUnreadableOrderToDeadLettersAndCarriesOn() {
        readFailuresAtLeastOnce();
        pipeline.rawOrder("alice", "{not json");
        final var order = pipeline.order("alice", GatewayDesk.APPROVED_CARD, line("book", 1));

        final TestRecord<byte[], byte[]> dead = single();
        assertThat(PipelineDriver.text(dead.value())).isEqualTo("{not json");
        assertThat(headers(dead))
                .containsEntry("__streams.errors.topic", Topics.ORDERS.name())
                .containsEntry("__streams.errors.exception", "org.apache.kafka.common.errors.SerializationException")
                .containsKeys("__streams.errors.message", "__streams.errors.partition", "__streams.errors.offset");
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
    }

    @Test
    void sendsOrderWithoutItemsToDeadLetters() {
        pipeline.rawOrder("alice", """
                {"orderId":"o-empty","customerId":"alice","customerName":"Alice","email":"a@example.com",
                 "items":[],"payment":{"card":"4242424242424242"}}""");

        final TestRecord<byte[], byte[]> dead = single();
        assertThat(headers(dead).get("__streams.errors.message")).contains("has no items");
        assertThat(headers(dead)).containsEntry("__streams.errors.topic", Topics.ORDERS.name());
        assertThat(PipelineDriver.text(dead.value())).contains("o-empty");
        assertThat(pipeline.order("o-empty")).isNull();
        assertThat(pipeline.emails()).isEmpty();
    }

    @Test
    void sendsOrderKeyedByAnotherCustomerToDeadLetters() {
        pipeline.rawOrder("bob", """
                {"orderId":"o-x","customerId":"alice","customerName":"Alice","email":"a@example.com",
                 "items":[{"sku":"book","quantity":1}],"payment":{"card":"4242424242424242"}}""");

        assertThat(headers(single()).get("__streams.errors.message")).contains("not by its customer");
    }

    @Test
    void sendsInvalidCatalogRecordToDeadLetters() {
        pipeline.define("broken", ProductKind.PHYSICAL, "-1.00", 5L);

        assertThat(headers(single()).get("__streams.errors.message")).contains("price");
        assertThat(pipeline.inventory("broken")).isNull();
    }

    @Test
    void sendsUnreadableSeatCommandToDeadLetters() {
        readFailuresAtLeastOnce();
        pipeline.rawBytes(Topics.SEAT_RESERVATIONS.name(), "seat-1", "[]".getBytes(StandardCharsets.UTF_8));

        assertThat(headers(single())).containsKey("__streams.errors.exception");
    }

    @Test
    void sendsFlagRecordWithoutValueToDeadLettersAndTheCustomerCarriesOn() {
        pipeline.rawBytes(Topics.CUSTOMER_FLAGS.name(), "mallory", null);
        final var order = pipeline.order("mallory", GatewayDesk.APPROVED_CARD, line("book", 1));

        final TestRecord<byte[], byte[]> dead = single();
        assertThat(headers(dead))
                .containsEntry("__streams.errors.topic", Topics.CUSTOMER_FLAGS.name())
                .containsEntry("__streams.errors.exception", InvalidCommandException.class.getName())
                .containsEntry("__streams.errors.partition", "0")
                .containsEntry("__streams.errors.offset", "0");
        assertThat(headers(dead).get("__streams.errors.message")).contains("mallory", "without a value");
        assertThat(PipelineDriver.text(dead.key())).isEqualTo("mallory");
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
    }

    @Test
    void sendsFlagCommandKeyedByAnotherCustomerToDeadLetters() {
        pipeline.rawBytes(
                Topics.CUSTOMER_FLAGS.name(),
                "alice",
                "{\"customerId\":\"bob\",\"action\":\"FLAG\"}".getBytes(StandardCharsets.UTF_8));
        final var alices = pipeline.order("alice", GatewayDesk.APPROVED_CARD, line("book", 1));
        final var bobs = pipeline.order("bob", GatewayDesk.APPROVED_CARD, line("book", 1));

        assertThat(headers(single()).get("__streams.errors.message")).contains("bob", "keyed by alice");
        assertThat(pipeline.order(alices.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(pipeline.order(bobs.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
    }

    @Test
    void sendsFlagCommandWithoutActionToDeadLetters() {
        pipeline.rawBytes(
                Topics.CUSTOMER_FLAGS.name(),
                "carol",
                "{\"customerId\":\"carol\",\"reason\":\"no action\"}".getBytes(StandardCharsets.UTF_8));
        final var order = pipeline.order("carol", GatewayDesk.APPROVED_CARD, line("book", 1));

        assertThat(headers(single()).get("__streams.errors.message")).contains("carol", "without an action");
        assertThat(pipeline.order(order.orderId()).status()).isEqualTo(OrderStatus.COMPLETED);
    }

    private TestRecord<byte[], byte[]> single() {
        final var letters = pipeline.deadLetters();
        assertThat(letters).hasSize(1);
        return letters.get(0);
    }

    private static Map<String, String> headers(final TestRecord<byte[], byte[]> record) {
        return Arrays.stream(record.headers().toArray())
                .collect(Collectors.toMap(Header::key, header -> PipelineDriver.text(header.value()), (a, b) -> b));
    }
}
