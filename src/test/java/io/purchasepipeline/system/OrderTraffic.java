package io.purchasepipeline.system;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady stream of orders written to {@code orders} at a fixed rate, the way the storefront
 * places them: {@code acks=all}, idempotent. An order counts as placed (the storefront's 202) only
 * once Kafka acknowledged it; its placement time is when it was sent, which is also its record's
 * timestamp.
 *
 * <p>The rate is kept on a fixed schedule: when a send blocks (a broker is gone and metadata has to
 * be refreshed), the orders that fell behind go out as soon as it returns, as a storefront's
 * backlog would.
 */
final class OrderTraffic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderTraffic.class);

    /** An acknowledged order and when it was sent (epoch ms). */
    record Placed(Order order, long placedAtMs) {}

    private final KafkaProducer<String, Order> producer;
    private final IntFunction<Order> orders;
    private final long periodNanos;
    private final Map<String, Placed> placed = new ConcurrentHashMap<>();
    private final AtomicLong failed = new AtomicLong();
    private final Thread sender;
    private volatile boolean running;
    private volatile int sent;

    /**
     * @param orders     the i-th order, for i = 0, 1, 2...
     * @param perSecond  orders per second
     */
    OrderTraffic(final String bootstrapServers, final IntFunction<Order> orders, final int perSecond) {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // 4.x batches for 5 ms by default; at this rate batching buys nothing and blurs placement times
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "order-traffic");
        this.producer = new KafkaProducer<>(
                props,
                Topics.ORDERS.keySerde().serializer(),
                Topics.ORDERS.valueSerde().serializer());
        this.orders = orders;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.sender = new Thread(this::send, "order-traffic");
        this.sender.setDaemon(true);
    }

    void start() {
        running = true;
        sender.start();
    }

    /** Stops sending and waits until every order sent so far is acknowledged or failed. */
    void stop() throws InterruptedException {
        running = false;
        sender.join(Duration.ofMinutes(2).toMillis());
        producer.flush();
        LOG.info("Order traffic stopped: {} sent, {} acknowledged, {} failed", sent, placed.size(), failed.get());
    }

    @Override
    public void close() throws InterruptedException {
        if (running) {
            stop();
        }
        producer.close(Duration.ofSeconds(30));
    }

    /** The acknowledged orders by id. A live view while the traffic runs. */
    Map<String, Placed> placed() {
        return placed;
    }

    /** The ids of the acknowledged orders sent in [from, until] (epoch ms). */
    List<String> placedBetween(final long from, final long until) {
        return placed.values().stream()
                .filter(order -> order.placedAtMs() >= from && order.placedAtMs() <= until)
                .map(order -> order.order().orderId())
                .toList();
    }

    int sent() {
        return sent;
    }

    /** Orders Kafka did not acknowledge (the storefront would have answered 5xx): not counted as placed. */
    long failed() {
        return failed.get();
    }

    private void send() {
        final long start = System.nanoTime();
        int i = 0;
        while (running) {
            final long waitNanos = start + i * periodNanos - System.nanoTime();
            if (waitNanos > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            final Order order = orders.apply(i);
            final long sentAt = System.currentTimeMillis();
            producer.send(
                    new ProducerRecord<>(Topics.ORDERS.name(), null, sentAt, order.customerId(), order),
                    (metadata, exception) -> {
                        if (exception == null) {
                            placed.put(order.orderId(), new Placed(order, sentAt));
                        } else {
                            failed.incrementAndGet();
                            LOG.warn("Order {} not acknowledged: {}", order.orderId(), exception.toString());
                        }
                    });
            sent = ++i;
        }
    }
}
