package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

class OrderSenderTest {

    private static final Duration STALL = Duration.ofSeconds(30);

    private final OrderIds ids = new OrderIds(7);
    private final OrderMix mix = new OrderMix(
            new OrderMix.Spec(100, 10, null, 3, 0, 0, 0, 1000, new CardMix.Converter().convert(CardMix.DEFAULT)),
            new LoadCatalog(ids.runTag(), 100, 0, false),
            ids,
            11);
    private final MockProducer<String, Order> producer = new MockProducer<>(
            true,
            null,
            Topics.ORDERS.keySerde().serializer(),
            Topics.ORDERS.valueSerde().serializer());

    @Test
    void writesEachOrderAsTheHttpIntakeDoes() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 100);

        final OrderSender.Stop stop =
                new OrderSender(producer, Topics.ORDERS.name(), mix, outcomes, Rate.MAX, STALL).send(20, null);

        assertThat(stop).isEqualTo(OrderSender.Stop.ORDERS);
        final List<ProducerRecord<String, Order>> sent = producer.history();
        assertThat(sent).hasSize(20);
        for (int seq = 0; seq < 20; seq++) {
            final ProducerRecord<String, Order> record = sent.get(seq);
            assertThat(record.topic()).isEqualTo(Topics.ORDERS.name());
            assertThat(record.value()).isEqualTo(mix.order(seq));
            assertThat(record.key()).isEqualTo(record.value().customerId());
            assertThat(CorrelationId.of(record.headers())).isEqualTo(mix.correlationId(seq));
        }
        assertThat(outcomes.snapshot().inFlight()).isEqualTo(20);
    }

    @Test
    void aFixedRateSpreadsTheOrdersOverTime() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 100);

        new OrderSender(producer, Topics.ORDERS.name(), mix, outcomes, new Rate(100), STALL).send(21, null);

        // 21 orders at 100/s: the last is due 200 ms after the first
        final Outcomes.Result result = outcomes.result();
        assertThat(result.lastSentNanos() - result.firstSentNanos())
                .isBetween(TimeUnit.MILLISECONDS.toNanos(199), TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void atAFixedRateAnOrderHeldBackByTheWindowCountsItsLatencyFromWhenItWasDue() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 1);
        final Thread pipeline = new Thread(() -> {
            // order 0 ends 300 ms after it was sent; order 1, due 10 ms after order 0, only then goes out and ends at
            // once
            sleep(300);
            outcomes.ended(ids.id(0), OrderStatus.COMPLETED, System.nanoTime());
            while (outcomes.snapshot().sent() < 2) {
                Thread.onSpinWait();
            }
            outcomes.ended(ids.id(1), OrderStatus.COMPLETED, System.nanoTime());
        });
        pipeline.start();

        new OrderSender(producer, Topics.ORDERS.name(), mix, outcomes, new Rate(100), STALL).send(2, null);

        pipeline.join();
        final Outcomes.Result result = outcomes.result();
        assertThat(result.latencies().getMinValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toMicros(280));
        assertThat(result.maxBehindNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(280));
    }

    @Test
    void aDurationEndsTheRunBeforeTheOrdersRunOut() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 1000);

        final OrderSender.Stop stop = new OrderSender(
                        producer, Topics.ORDERS.name(), mix, outcomes, new Rate(100), STALL)
                .send(1000, Duration.ofMillis(300));

        assertThat(stop).isEqualTo(OrderSender.Stop.DURATION);
        assertThat(producer.history()).hasSize(30);
    }

    @Test
    void atTheMaximumRateTheSenderWaitsForRoomAndGivesUpWhenNoOrderEnds() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 5);
        final Thread ender = new Thread(() -> {
            // the pipeline ends the first two orders, then stops
            while (outcomes.snapshot().sent() < 5) {
                Thread.onSpinWait();
            }
            outcomes.ended(ids.id(0), OrderStatus.COMPLETED, System.nanoTime());
            outcomes.ended(ids.id(1), OrderStatus.COMPLETED, System.nanoTime());
        });
        ender.start();

        final OrderSender.Stop stop = new OrderSender(
                        producer, Topics.ORDERS.name(), mix, outcomes, Rate.MAX, Duration.ofMillis(300))
                .send(100, null);

        ender.join();
        assertThat(stop).isEqualTo(OrderSender.Stop.STALLED);
        assertThat(producer.history()).hasSize(7);
        assertThat(outcomes.snapshot().inFlight()).isEqualTo(5);
    }

    @Test
    void aFullWindowAtTheEndOfTheDurationIsTheDurationsEndNotAStall() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 3);

        final OrderSender.Stop stop = new OrderSender(producer, Topics.ORDERS.name(), mix, outcomes, Rate.MAX, STALL)
                .send(100, Duration.ofMillis(200));

        assertThat(stop).isEqualTo(OrderSender.Stop.DURATION);
        assertThat(producer.history()).hasSize(3);
    }

    @Test
    void stopsAtTheFirstOrderKafkaDoesNotTake() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 100);
        final MockProducer<String, Order> failing = new MockProducer<>(
                false,
                null,
                Topics.ORDERS.keySerde().serializer(),
                Topics.ORDERS.valueSerde().serializer());
        final Thread broker = new Thread(() -> {
            while (failing.history().size() < 3) {
                Thread.onSpinWait();
            }
            failing.completeNext();
            failing.errorNext(new KafkaException("not enough replicas"));
        });
        broker.start();

        final OrderSender.Stop stop =
                new OrderSender(failing, Topics.ORDERS.name(), mix, outcomes, new Rate(50), STALL).send(100, null);

        broker.join();
        assertThat(stop).isEqualTo(OrderSender.Stop.SEND_FAILED);
        assertThat(failing.history().size()).isLessThan(100);
        assertThat(outcomes.firstFailure()).hasMessage("not enough replicas");
        assertThat(outcomes.result().failedSends()).isEqualTo(1);
        assertThat(outcomes.result().sent()).isEqualTo(failing.history().size() - 1);
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
