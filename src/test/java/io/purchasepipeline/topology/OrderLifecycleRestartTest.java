package io.purchasepipeline.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.FraudCheckedOrder;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.stores.OrderIndexStore;
import io.purchasepipeline.stores.OrderState;
import io.purchasepipeline.stores.PipelineStores;
import io.purchasepipeline.stores.StoreNames;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The order's timers live in an index made from the orders' states when the task starts, not in a
 * store of their own. A task that restarts (moved to another instance, or revived after a crash,
 * its orders' store restored from the changelog and the index gone with the memory) must then do
 * exactly what a task that ran on does. Here the orders' store outlives the processor as the
 * changelog outlives a crash, and the index store is initialised again, as Kafka Streams does with
 * a task it starts. One thing it does not take over: how long its stream time has stood still,
 * which the hold expiry counts again from the restart ({@link HoldClock}), since a task that
 * starts may be behind its inputs.
 */
class OrderLifecycleRestartTest {

    private static final PipelineConfig CONFIG = PipelineConfig.DEFAULTS;
    private static final long T0 = PipelineDriver.START.toEpochMilli();

    /** One customer task's processor over stores that outlive it. */
    private static final class Task {

        private final KeyValueStore<String, OrderState> orders;
        private final KeyValueStore<String, String> expiry;
        /** Orders read from the store (deserialised), by any processor of the task. */
        private final AtomicInteger orderReads = new AtomicInteger();

        private final OrderIndexStore index =
                PipelineStores.orderIndex(CONFIG.velocityWindow()).build();
        private MockProcessorContext<String, OrderOutput> context;
        private Processor<String, OrderInput, String, OrderOutput> processor;

        Task() {
            final MockProcessorContext<String, OrderOutput> first = new MockProcessorContext<>();
            // started at T0, before it read anything: its stream time still unknown
            first.setCurrentSystemTimeMs(T0);
            first.setCurrentStreamTimeMs(-1);
            final Serde<OrderState> json = JsonSerde.of(OrderState.class);
            final Serde<OrderState> counted = Serdes.serdeFrom(json.serializer(), (topic, bytes) -> {
                orderReads.incrementAndGet();
                return json.deserializer().deserialize(topic, bytes);
            });
            orders = Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(StoreNames.ORDERS), Serdes.String(), counted)
                    .withLoggingDisabled()
                    .build();
            orders.init(first.getStateStoreContext(), orders);
            expiry = Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(StoreNames.ORDER_EXPIRY), Serdes.String(), Serdes.String())
                    .withLoggingDisabled()
                    .build();
            expiry.init(first.getStateStoreContext(), expiry);
            start(first);
        }

        /** A new processor and an empty index over the same orders, as after a restart. */
        void restart() {
            restartAt(context.currentSystemTimeMs());
        }

        /**
         * The same, at {@code now} on the wall clock: the stream time is the one it had, as Kafka
         * Streams takes it back from the committed offsets.
         */
        void restartAt(final long now) {
            processor.close();
            index.close();
            final MockProcessorContext<String, OrderOutput> fresh = new MockProcessorContext<>();
            fresh.setCurrentSystemTimeMs(now);
            fresh.setCurrentStreamTimeMs(context.currentStreamTimeMs());
            start(fresh);
        }

        private void start(final MockProcessorContext<String, OrderOutput> fresh) {
            context = fresh;
            index.init(context.getStateStoreContext(), index);
            context.addStateStore(orders);
            context.addStateStore(index);
            context.addStateStore(expiry);
            processor = OrderLifecycle.supplier(CONFIG, OrderStatusListener.NONE, HopSpans.UNTRACED)
                    .get();
            processor.init(context);
        }

        /** An input read as soon as it was written. */
        List<OrderOutput> input(final String customerId, final OrderInput input, final long now) {
            return read(customerId, input, now, now);
        }

        /** An input written at {@code writtenAt} (its record's time), read at {@code now}. */
        List<OrderOutput> read(final String customerId, final OrderInput input, final long writtenAt, final long now) {
            context.setCurrentSystemTimeMs(now);
            context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), writtenAt));
            processor.process(new Record<>(customerId, input, writtenAt));
            return taken();
        }

        List<OrderOutput> tick(final long now) {
            context.setCurrentSystemTimeMs(now);
            assertThat(context.scheduledPunctuators()).hasSize(1);
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
            return taken();
        }

        OrderState order(final String orderId) {
            return orders.get(orderId);
        }

        /** The orders read from the store while {@code step} ran. */
        int ordersReadBy(final Runnable step) {
            final int before = orderReads.get();
            step.run();
            return orderReads.get() - before;
        }

        private List<OrderOutput> taken() {
            final List<OrderOutput> outputs = new ArrayList<>();
            context.forwarded().forEach(forward -> outputs.add(forward.record().value()));
            context.resetForwards();
            return outputs;
        }
    }

    @Test
    void aTaskRestartedBetweenAnyTwoStepsDoesWhatOneThatRanOnDoes() {
        final Task ranOn = new Task();
        final Task restarted = new Task();
        final List<List<OrderOutput>> expected = new ArrayList<>();
        final List<List<OrderOutput>> actual = new ArrayList<>();
        for (final Step step : script()) {
            restarted.restart();
            expected.add(step.run(ranOn));
            actual.add(step.run(restarted));
        }

        assertThat(actual).isEqualTo(expected);
        // and what both did is what the script is about
        assertThat(statusesIn(expected.get(4))).isEmpty();
        assertThat(paymentsIn(expected.get(4))).isEmpty();
        assertThat(paymentsIn(expected.get(3))).containsExactly(PaymentOperation.AUTHORISE);
        assertThat(statusesIn(expected.get(6))).containsExactly(OrderStatus.EXPIRED, OrderStatus.EXPIRED);
        assertThat(paymentsIn(expected.get(6))).containsExactly(PaymentOperation.AUTHORISE);
        assertThat(expected.get(7)).isEmpty();
        assertThat(paymentsIn(expected.get(8))).containsExactly(PaymentOperation.AUTHORISE);
        assertThat(restarted.order("o-a")).isNull();
        assertThat(restarted.order("o-b")).isNull();
    }

    @Test
    void theRetentionSweepReadsOnlyTheOrdersItForgets() {
        final Task task = new Task();
        task.tick(T0);
        final long retention = CONFIG.orderRetention().toMillis();
        for (int i = 0; i < 50; i++) {
            task.input("c" + i, placed("o-" + i, "c" + i), T0 + i * 60_000L);
        }

        // their holds time out (no answer came): each order read once
        assertThat(statusesIn(task.tick(T0 + Duration.ofDays(1).toMillis()))).hasSize(50);

        assertThat(task.ordersReadBy(() -> task.tick(T0 + Duration.ofDays(2).toMillis())))
                .as("orders read by a timer with no order past its retention")
                .isZero();
        // the ten first past their retention: forgotten, each read once, the others kept and not read
        assertThat(task.ordersReadBy(() -> task.tick(T0 + retention + 9 * 60_000L)))
                .isEqualTo(10);
        assertThat(task.order("o-9")).isNull();
        assertThat(task.order("o-10")).isNotNull();
        task.restart();
        task.tick(T0 + retention + 49 * 60_000L);
        assertThat(task.order("o-49")).isNull();
    }

    @Test
    void ordersStoredBeforeTheExpiryIndexExistedAreIndexedThenForgotten() {
        final Task task = new Task();
        for (int i = 0; i < 5; i++) {
            task.input("c" + i, placed("o-" + i, "c" + i), T0 + i);
        }
        // as a store written by a version without the index: the orders there, their keys not
        task.expiry.all().forEachRemaining(entry -> task.expiry.delete(entry.key));
        task.restart();

        task.tick(T0 + 1_000);
        task.tick(T0 + CONFIG.orderRetention().toMillis() + 4);

        for (int i = 0; i < 5; i++) {
            assertThat(task.order("o-" + i)).isNull();
        }
    }

    @Test
    void aRetryMadeBeforeTheRestartIsNotMadeAgain() {
        final Task task = new Task();
        task.input("bob", placed("o-b", "bob"), T0);
        task.input("bob", new OrderInput.PaymentAnswered(unavailable("o-b", "bob")), T0 + 10);
        assertThat(task.order("o-b").payment().retryAt()).isEqualTo(T0 + 10 + 1_000);

        assertThat(paymentsIn(task.tick(T0 + 1_500))).containsExactly(PaymentOperation.AUTHORISE);
        task.restart();

        assertThat(task.tick(T0 + 5_000)).isEmpty();
        assertThat(task.order("o-b").payment().retryAt()).isNull();
        assertThat(task.order("o-b").payment().pending()).isEqualTo(PaymentOperation.AUTHORISE);
    }

    @Test
    void aTaskRestartedBehindItsInputsDoesNotExpireAnOrderTheyAnswerInTime() {
        final Task task = new Task();
        task.input("alice", placed("o-a", "alice"), T0);

        // its instance was down for 15 minutes: the task starts behind the answers written meanwhile
        final long restartedAt = T0 + Duration.ofMinutes(15).toMillis();
        task.restartAt(restartedAt);
        assertThat(task.tick(restartedAt + 1_000)).isEmpty();

        task.read("alice", new OrderInput.LineAnswered(held("o-a", "alice", "book")), T0 + 20, restartedAt + 1_100);
        final List<OrderOutput> paid = task.read(
                "alice", new OrderInput.PaymentAnswered(approved("o-a", "alice")), T0 + 4_600, restartedAt + 1_200);

        assertThat(statusesIn(paid)).containsExactly(OrderStatus.COMPLETED);
        assertThat(paymentsIn(paid)).containsExactly(PaymentOperation.CAPTURE);
    }

    @Test
    void anOrderOfATaskRestartedBehindItsInputsExpiresAHoldTimeoutAfterTheRestartIfNothingComes() {
        final Task task = new Task();
        task.input("alice", placed("o-a", "alice"), T0);
        final long restartedAt = T0 + Duration.ofMinutes(15).toMillis();
        task.restartAt(restartedAt);

        assertThat(task.tick(restartedAt + CONFIG.holdTimeout().toMillis() - 1_000))
                .isEmpty();
        assertThat(statusesIn(task.tick(restartedAt + CONFIG.holdTimeout().toMillis())))
                .containsExactly(OrderStatus.EXPIRED);
    }

    /** One step of the script: what it feeds or when it ticks, and what came out. */
    private interface Step {
        List<OrderOutput> run(Task task);
    }

    private static List<Step> script() {
        return List.of(
                // 0, 1: two orders placed; alice's holds and authorisation stay unanswered
                task -> task.input("alice", placed("o-a", "alice"), T0),
                task -> task.input("bob", placed("o-b", "bob"), T0 + 10),
                // 2: bob's line is held, his gateway does not answer: asked again in a second
                task -> {
                    final List<OrderOutput> outputs = new ArrayList<>(
                            task.input("bob", new OrderInput.LineAnswered(held("o-b", "bob", "book")), T0 + 20));
                    outputs.addAll(
                            task.input("bob", new OrderInput.PaymentAnswered(unavailable("o-b", "bob")), T0 + 30));
                    return outputs;
                },
                // 3: the retry is due
                task -> task.tick(T0 + 1_500),
                // 4: nothing more is due until it is answered
                task -> task.tick(T0 + 5_000),
                // 5: still unanswered: asked again after two seconds
                task -> task.input("bob", new OrderInput.PaymentAnswered(unavailable("o-b", "bob")), T0 + 5_100),
                // 6: the task read nothing for a hold timeout since: both orders' holds time out;
                // bob's retry, due since, is made in the same tick
                task -> task.tick(T0 + 5_100 + CONFIG.holdTimeout().toMillis()),
                // 7, 8: his authorisation goes on being asked until answered, after his order ended
                task -> task.input(
                        "bob",
                        new OrderInput.PaymentAnswered(unavailable("o-b", "bob")),
                        T0 + CONFIG.holdTimeout().toMillis() + 5_200),
                task -> task.tick(T0 + CONFIG.holdTimeout().toMillis() + 40_000),
                // 9: past the retention, both are forgotten
                task -> task.tick(T0 + CONFIG.orderRetention().toMillis() + 60_000));
    }

    private static OrderInput placed(final String orderId, final String customerId) {
        final Order order = new Order(
                orderId,
                customerId,
                "Name of " + customerId,
                customerId + "@example.com",
                List.of(new OrderLine("book", 1)),
                new PaymentDetails(GatewayDesk.APPROVED_CARD));
        return new OrderInput.Checked(new FraudCheckedOrder(
                order, Map.of("book", new BigDecimal("12.00")), new BigDecimal("12.00"), List.of(), Map.of()));
    }

    private static LineResult held(final String orderId, final String customerId, final String sku) {
        return new LineResult(
                orderId, customerId, sku, LineOutcome.HELD, ProductKind.PHYSICAL, "Book", new BigDecimal("12.00"), 1);
    }

    private static PaymentResult approved(final String orderId, final String customerId) {
        return new PaymentResult(
                orderId, customerId, PaymentOperation.AUTHORISE, PaymentStatus.APPROVED, "pay-1", null);
    }

    private static PaymentResult unavailable(final String orderId, final String customerId) {
        return new PaymentResult(
                orderId, customerId, PaymentOperation.AUTHORISE, PaymentStatus.UNAVAILABLE, null, "gateway down");
    }

    private static List<OrderStatus> statusesIn(final List<OrderOutput> outputs) {
        return outputs.stream()
                .filter(OrderOutput.Event.class::isInstance)
                .map(output -> ((OrderOutput.Event) output).event().status())
                .toList();
    }

    private static List<PaymentOperation> paymentsIn(final List<OrderOutput> outputs) {
        return outputs.stream()
                .filter(OrderOutput.Payment.class::isInstance)
                .map(output -> ((OrderOutput.Payment) output).request().operation())
                .toList();
    }
}
