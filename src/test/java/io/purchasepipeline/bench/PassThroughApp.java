package io.purchasepipeline.bench;

import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.Topic;
import io.purchasepipeline.serdes.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The latency counterpart of the raw producer: an exactly-once Kafka Streams application that does
 * no work but crosses the same commit boundaries as an order after the redesign, with the
 * pipeline's own settings ({@link StreamsSettings}: exactly-once v2, its commit interval) and
 * topics of the same partition count as {@code orders}. An order read from {@link #ORDERS} (keyed
 * by customer) is re-keyed by its first line's SKU through a topic, back by customer through
 * another, and written to {@link #EVENTS} as a COMPLETED {@link OrderEvent}, which {@code load}
 * watches as it watches the pipeline's {@code order-events}.
 *
 * <pre>
 *   PassThroughApp --bootstrap-servers B --state-dir D [--ready-file F]
 * </pre>
 * runs until stopped (SIGTERM) and creates F once its stream threads run.
 * <pre>
 * </pre>
 */
public final class PassThroughApp {

    public static final String APPLICATION_ID = "bench-passthrough";
    public static final Topic<Order> ORDERS =
            new Topic<>("passthrough-orders", Topics.ORDERS.keySerde(), Topics.ORDERS.valueSerde(), Order.class);
    public static final Topic<OrderEvent> EVENTS = new Topic<>(
            "passthrough-events", Topics.ORDER_EVENTS.keySerde(), Topics.ORDER_EVENTS.valueSerde(), OrderEvent.class);
    /** The commit boundaries an order crosses here: customer → SKU → customer → terminal. */
    public static final int HOPS = 3;

    private PassThroughApp() {}

    public static Topology topology() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(ORDERS.name(), ORDERS.consumed())
                .selectKey((customer, order) -> order.items().get(0).sku(), Named.as("by-sku"))
                .repartition(Repartitioned.<String, Order>as("by-sku")
                        .withKeySerde(ORDERS.keySerde())
                        .withValueSerde(ORDERS.valueSerde()))
                .selectKey((sku, order) -> order.customerId(), Named.as("by-customer"))
                .repartition(Repartitioned.<String, Order>as("by-customer")
                        .withKeySerde(ORDERS.keySerde())
                        .withValueSerde(ORDERS.valueSerde()))
                .processValues(Terminal::new, Named.as("terminal"))
                .selectKey((customer, event) -> event.orderId(), Named.as("by-order"))
                .to(EVENTS.name(), EVENTS.produced("terminal-events"));
        return builder.build();
    }

    /** The pipeline's shipped settings, under this application's id. */
    public static Properties settings(final String bootstrapServers, final Path stateDir) {
        return StreamsSettings.of(
                bootstrapServers, stateDir, Map.of(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID));
    }

    /** Its input and output topics, with the partition count and replication of {@code orders} as provisioned. */
    public static void provision(final Admin admin) throws ExecutionException, InterruptedException {
        final TopicDescription orders = admin.describeTopics(List.of(Topics.ORDERS.name()))
                .allTopicNames()
                .get()
                .get(Topics.ORDERS.name());
        final short replication = (short) orders.partitions().get(0).replicas().size();
        final List<NewTopic> topics = new ArrayList<>();
        for (final String name : List.of(ORDERS.name(), EVENTS.name())) {
            topics.add(new NewTopic(name, orders.partitions().size(), replication));
        }
        for (final NewTopic topic : topics) {
            try {
                admin.createTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    public static void main(final String[] args) throws Exception {
        String bootstrap = null;
        Path stateDir = null;
        Path readyFile = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bootstrap-servers" -> bootstrap = args[i + 1];
                case "--state-dir" -> stateDir = Path.of(args[i + 1]);
                case "--ready-file" -> readyFile = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bootstrap == null || stateDir == null) {
            throw new IllegalArgumentException("usage: PassThroughApp --bootstrap-servers B --state-dir D");
        }
        Files.createDirectories(stateDir);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            provision(admin);
        }
        final KafkaStreams streams = new KafkaStreams(topology(), settings(bootstrap, stateDir));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            streams.close();
                            stopped.countDown();
                        },
                        "passthrough-shutdown"));
        final Path ready = readyFile;
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING && ready != null) {
                try {
                    Files.writeString(ready, "RUNNING\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        streams.start();
        stopped.await();
    }

    /** The order's terminal event, with the correlation id its record carries. */
    private static final class Terminal implements FixedKeyProcessor<String, Order, OrderEvent> {

        private FixedKeyProcessorContext<String, OrderEvent> context;

        @Override
        public void init(final FixedKeyProcessorContext<String, OrderEvent> context) {
            this.context = context;
        }

        @Override
        public void process(final FixedKeyRecord<String, Order> record) {
            context.forward(record.withValue(new OrderEvent(
                    record.value().orderId(),
                    1,
                    OrderStatus.COMPLETED,
                    "pass-through",
                    record.timestamp(),
                    CorrelationId.of(record.headers()))));
        }
    }
}
