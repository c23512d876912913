package io.purchasepipeline.runtime;

import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.topology.PurchaseTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics before the streams app starts, so that every topic is made with
 * the partitions, replication and clean-up policy the pipeline needs (not the broker's defaults).
 * Topics that exist are checked, not recreated: the co-partitioned ones must agree on their
 * partition count, or one key would be split over two tasks.
 *
 * <p>The repartition topics are made here too, as Kafka Streams would make them: otherwise its
 * consumer asks for them before its first rebalance creates them, and each of its first metadata
 * answers warns that they do not exist.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    /** Compacted: the latest value per key is the truth (product definitions, each email's outcome). */
    static final Set<String> COMPACTED =
            Set.of(Topics.CATALOG.name(), Topics.PRODUCTS.name(), Topics.EMAIL_OUTCOMES.name());

    private final Admin admin;
    private final int partitions;
    private final Retention retention;

    /**
     * How long the event topics (all but the compacted ones) keep records: by time and by size
     * per partition; -1 is unlimited, null leaves the broker's default.
     */
    public record Retention(Long ms, Long bytes) {
        public static final Retention BROKER_DEFAULT = new Retention(null, null);
    }

    public TopicProvisioner(final Admin admin, final int partitions, final Retention retention) {
        this.admin = admin;
        this.partitions = partitions;
        this.retention = retention;
    }

    /** All the topics this application reads or writes, apart from the ones Kafka Streams makes. */
    public static List<String> topicNames() {
        return List.of(
                Topics.ORDERS.name(),
                Topics.CUSTOMER_FLAGS.name(),
                Topics.CATALOG.name(),
                Topics.SEAT_RESERVATIONS.name(),
                Topics.RESERVATION_COMMANDS.name(),
                Topics.RESERVATION_RESULTS.name(),
                Topics.SEAT_RESERVATION_RESULTS.name(),
                Topics.PRODUCTS.name(),
                Topics.ORDER_EVENTS.name(),
                Topics.EMAILS.name(),
                Topics.EMAIL_OUTCOMES.name(),
                Topics.EMAIL_COUNTS.name(),
                Topics.ALERTS.name(),
                Topics.EBOOK_REQUESTS.name(),
                Topics.EBOOKS_GENERATED.name(),
                Topics.PAYMENT_REQUESTS.name(),
                Topics.PAYMENT_RESULTS.name(),
                Topics.DEAD_LETTERS);
    }

    /**
     * Creates what is missing and checks what exists.
     *
     * @return the replication factor of the topics: min(3, brokers) when they are made here, else the
     *     one they were made with (not the brokers up right now: with one of three down, an instance
     *     starting must still give its internal topics the same replication as every other instance)
     */
    public short provision() throws ExecutionException, InterruptedException {
        final int brokers = admin.describeCluster().nodes().get().size();
        final short replication = (short) Math.min(3, brokers);
        final Set<String> existing = admin.listTopics().names().get();
        final List<NewTopic> missing = new ArrayList<>();
        for (final String name : topicNames()) {
            if (!existing.contains(name)) {
                missing.add(new NewTopic(name, partitions, replication).configs(configs(name, replication, retention)));
            }
        }
        final short internalReplication =
                existing.contains(Topics.ORDERS.name()) ? replicationOf(Topics.ORDERS.name()) : replication;
        REPARTITION_TOPICS.forEach((name, count) -> {
            if (!existing.contains(name)) {
                missing.add(new NewTopic(name, count, internalReplication)
                        .configs(repartitionConfigs(internalReplication)));
            }
        });
        if (!missing.isEmpty()) {
            for (final var created : admin.createTopics(missing).values().entrySet()) {
                try {
                    created.getValue().get();
                } catch (ExecutionException e) {
                    // another instance starting at the same time made it first: it is checked below like any other
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            log.info(
                    "Created topics {} with {} partitions, replication {}",
                    missing.stream().map(NewTopic::name).toList(),
                    partitions,
                    replication);
        }
        checkCoPartitioned();
        return replicationOf(Topics.ORDERS.name());
    }

    /**
     * The topology's repartition topics (its application id, the name it gives, {@code -repartition})
     * and their partitions, as {@link PurchaseTopology} asks for them.
     */
    static final Map<String, Integer> REPARTITION_TOPICS = Map.of(
            repartitionTopic(PurchaseTopology.ANALYTICS_COUNTS), 1,
            repartitionTopic(PurchaseTopology.ANALYTICS_ORDER_COUNTS), 1);

    static String repartitionTopic(final String name) {
        return StreamsSettings.APPLICATION_ID + "-" + name + "-repartition";
    }

    /**
     * What Kafka Streams gives a repartition topic it makes (its {@code RepartitionTopicConfig}): records
     * kept until Streams deletes them once read, whatever the broker's retention.
     */
    static Map<String, String> repartitionConfigs(final short replication) {
        final Map<String, String> configs = new HashMap<>(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                "-1",
                TopicConfig.SEGMENT_BYTES_CONFIG,
                Integer.toString(50 * 1024 * 1024),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                "CreateTime"));
        if (replication >= 3) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        }
        return configs;
    }

    private short replicationOf(final String topic) throws ExecutionException, InterruptedException {
        final TopicDescription description = describeFresh(List.of(topic)).get(topic);
        return (short) description.partitions().get(0).replicas().size();
    }

    /** Topics just created may be unknown to the broker asked for a moment: asks again, for a bounded time. */
    private Map<String, TopicDescription> describeFresh(final List<String> topics)
            throws ExecutionException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    public static Map<String, String> configs(final String topic, final short replication, final Retention retention) {
        final Map<String, String> configs = new HashMap<>();
        if (COMPACTED.contains(topic)) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            if (retention.ms() != null) {
                configs.put(TopicConfig.RETENTION_MS_CONFIG, retention.ms().toString());
            }
            if (retention.bytes() != null) {
                configs.put(
                        TopicConfig.RETENTION_BYTES_CONFIG, retention.bytes().toString());
            }
        }
        if (replication >= 3) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        }
        return configs;
    }

    private void checkCoPartitioned() throws ExecutionException, InterruptedException {
        final Map<String, TopicDescription> described = describeFresh(Topics.CO_PARTITIONED);
        final Map<String, Integer> counts = described.values().stream()
                .collect(Collectors.toMap(
                        TopicDescription::name, topic -> topic.partitions().size()));
        if (counts.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("These topics must have the same number of partitions, as one task reads "
                    + "them together by key: " + counts);
        }
    }
}
