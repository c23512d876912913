package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderEventTailTest {

    private static final String TOPIC = Topics.ORDER_EVENTS.name();
    private static final TopicPartition LONG = new TopicPartition(TOPIC, 0);
    private static final TopicPartition SHORT = new TopicPartition(TOPIC, 1);
    private static final long NOW = 1_765_000_000_000L;

    private final PollingMockConsumer<byte[], byte[]> consumer = new PollingMockConsumer<>();
    private OrderEventTail tail;

    @AfterEach
    void close() throws InterruptedException {
        tail.close();
    }

    @Test
    void readsEachPartitionFromABoundedBacklogBeforeItsEndAndSkipsWhatItCannotRead() throws Exception {
        consumer.updatePartitions(
                TOPIC,
                List.of(new PartitionInfo(TOPIC, 0, null, null, null), new PartitionInfo(TOPIC, 1, null, null, null)));
        final long end = OrderEventTail.BACKLOG_PER_PARTITION + 100;
        consumer.updateBeginningOffsets(Map.of(LONG, 0L, SHORT, 0L));
        consumer.updateEndOffsets(Map.of(LONG, end, SHORT, 2L));
        tail = new OrderEventTail(consumer).start();
        awaitAssigned();

        final long firstRead = end - OrderEventTail.BACKLOG_PER_PARTITION;
        add(LONG, firstRead - 1, event("too-old", OrderStatus.RESERVING, NOW));
        add(LONG, firstRead, event("o-backlog", OrderStatus.COMPLETED, NOW + 1));
        consumer.addRecord(
                new ConsumerRecord<>(TOPIC, 0, firstRead + 1, null, "{not json".getBytes(StandardCharsets.UTF_8)));
        add(LONG, end, event("o-new", OrderStatus.RESERVING, NOW + 2));
        add(SHORT, 0, event("o-other-partition", OrderStatus.PAYMENT_DECLINED, NOW + 3));

        final RecentOrders.View view = awaitOrders(3);
        assertThat(view.orders())
                .extracting(RecentOrders.Summary::orderId)
                .containsExactlyInAnyOrder("o-backlog", "o-new", "o-other-partition");
        assertThat(view.endedPerSecond().counts().get(OrderStatus.COMPLETED)).containsExactly(1);
        assertThat(view.endedPerSecond().counts().get(OrderStatus.PAYMENT_DECLINED))
                .containsExactly(1);
    }

    @Test
    void waitsForTheTopicWhenKafkaCannotNameItsPartitionsYet() throws Exception {
        consumer.updatePartitions(TOPIC, List.of());
        tail = new OrderEventTail(consumer).start();
        Thread.sleep(600);
        assertThat(consumer.assignment()).isEmpty();

        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(LONG, 0L));
        consumer.updateEndOffsets(Map.of(LONG, 0L));
        awaitAssigned();
        add(LONG, 0, event("o-first", OrderStatus.RESERVING, NOW));

        assertThat(awaitOrders(1).orders())
                .extracting(RecentOrders.Summary::orderId)
                .containsExactly("o-first");
    }

    private void awaitAssigned() throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(consumer.assignment())
                .as("the tail assigned itself order-events")
                .isNotEmpty();
    }

    private RecentOrders.View awaitOrders(final int count) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        RecentOrders.View view = tail.view(10, 1, NOW);
        while (view.orders().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
            view = tail.view(10, 1, NOW);
        }
        return view;
    }

    private void add(final TopicPartition partition, final long offset, final OrderEvent event) {
        consumer.addRecord(new ConsumerRecord<>(
                TOPIC,
                partition.partition(),
                offset,
                event.orderId().getBytes(StandardCharsets.UTF_8),
                Topics.ORDER_EVENTS.valueSerde().serializer().serialize(TOPIC, event)));
    }

    private static OrderEvent event(final String orderId, final OrderStatus status, final long at) {
        return new OrderEvent(orderId, 1, status, null, at, "c-" + orderId);
    }
}
