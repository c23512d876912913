package io.purchasepipeline.system;

import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything on {@code order-events}, read as the storefront's readers would (committed records
 * only) by a background thread from the beginning, with the time each event arrived here. Reading
 * as it happens, rather than once at the end, is what lets a benchmark see when processing
 * stalled and resumed.
 *
 * <p>The consumer has no group: it assigns itself every partition, commits nothing and takes part
 * in no rebalance, so it never disturbs or waits on the application under test.
 */
public final class OrderEventLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderEventLog.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /** One event as read: which partition it was on and when it arrived here (epoch ms). */
    record Seen(OrderEvent event, int partition, long receivedAtMs) {}

    private final String bootstrapServers;
    private final KafkaConsumer<String, OrderEvent> consumer;
    private final Thread reader;
    private final List<Seen> seen = new ArrayList<>();
    private final Map<String, Seen> firstTerminal = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    OrderEventLog(final String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "order-event-log");
        consumer = new KafkaConsumer<>(
                props,
                new StringDeserializer(),
                Topics.ORDER_EVENTS.valueSerde().deserializer());
        final List<TopicPartition> partitions =
                consumer.partitionsFor(Topics.ORDER_EVENTS.name(), Duration.ofSeconds(60)).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        partitions.forEach(partition -> positions.put(partition, 0L));
        reader = new Thread(this::read, "order-event-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** Every event read so far, in the order read. */
    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The first terminal event of each order read so far. */
    synchronized Map<String, Seen> firstTerminal() {
        return Map.copyOf(firstTerminal);
    }

    /** Which of these orders have no terminal event yet. */
    synchronized List<String> withoutTerminal(final Collection<String> orderIds) {
        return orderIds.stream()
                .filter(id -> !firstTerminal.containsKey(id))
                .sorted()
                .toList();
    }

    /**
     * Waits until every one of these orders has a terminal event, or the timeout passes.
     *
     * @return the orders still without one (empty when all arrived)
     */
    List<String> awaitTerminal(final Collection<String> orderIds, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        List<String> missing = withoutTerminal(orderIds);
        while (!missing.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL.toMillis());
            missing = withoutTerminal(orderIds);
        }
        return missing;
    }

    /**
     * Waits until there are orders placed longer than {@code lag} ago and every one of them has a
     * terminal event: the pipeline keeps up with the load.
     *
     * @return the placement time (epoch ms) up to which every order has ended
     * @throws IllegalStateException if the pipeline does not catch up within the timeout
     */
    long awaitKeepingUp(final OrderTraffic traffic, final Duration lag, final Duration timeout)
            throws InterruptedException {
        final long upTo = keptUpWithin(traffic, lag, timeout);
        if (upTo == 0) {
            throw new IllegalStateException(
                    "the pipeline did not catch up with the load within " + timeout.toSeconds() + " s");
        }
        return upTo;
    }

    /** Like {@link #awaitKeepingUp}, but tells whether it caught up instead of failing. */
    boolean keepsUp(final OrderTraffic traffic, final Duration lag, final Duration timeout)
            throws InterruptedException {
        return keptUpWithin(traffic, lag, timeout) > 0;
    }

    private long keptUpWithin(final OrderTraffic traffic, final Duration lag, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long upTo = keptUpTo(traffic, lag);
        while (upTo == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL.toMillis());
            upTo = keptUpTo(traffic, lag);
        }
        return upTo;
    }

    /** The placement time up to which every order has ended, or 0 when orders placed before {@code lag} ago have not. */
    private long keptUpTo(final OrderTraffic traffic, final Duration lag) {
        final long upTo = System.currentTimeMillis() - lag.toMillis();
        final List<String> placed = traffic.placedBetween(0, upTo);
        return !placed.isEmpty() && withoutTerminal(placed).isEmpty() ? upTo : 0;
    }

    /**
     * Waits until everything committed to {@code order-events} by now has been read, so that a
     * check made next also sees any late duplicate.
     *
     * @return whether the reader got there within the timeout
     */
    boolean awaitReadToEnd(final Duration timeout) throws Exception {
        final Map<TopicPartition, Long> ends;
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            ends = admin
                    .listOffsets(
                            positions.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get()
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, entry -> entry.getValue().offset()));
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (ends.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue())) {
                return true;
            }
            Thread.sleep(POLL.toMillis());
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(Duration.ofSeconds(30).toMillis());
    }

    private void read() {
        try {
            while (running) {
                final var records = consumer.poll(POLL);
                final long now = System.currentTimeMillis();
                synchronized (this) {
                    for (final ConsumerRecord<String, OrderEvent> record : records) {
                        final Seen event = new Seen(record.value(), record.partition(), now);
                        seen.add(event);
                        if (event.event().status().terminal()) {
                            firstTerminal.putIfAbsent(event.event().orderId(), event);
                        }
                    }
                }
                // positions, not records, tell progress: transaction markers move them too
                for (final TopicPartition partition : consumer.assignment()) {
                    positions.put(partition, consumer.position(partition));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("Reading order-events failed", e);
        } finally {
            consumer.close();
        }
    }
}
