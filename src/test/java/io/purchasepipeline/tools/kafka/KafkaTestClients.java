package io.purchasepipeline.tools.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for checking what the nodes under test really store. */
public final class KafkaTestClients {

    /** A node may take 10+ s to come up on a busy two-core machine; a cluster more. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private KafkaTestClients() {}

    static void createTopic(final String bootstrap, final NewTopic topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(topic)).all().get();
        }
    }

    static Admin admin(final String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    public static KafkaProducer<String, String> producer(final String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        // 4.x batches for 5 ms by default: every acknowledged send would wait for it
                        ProducerConfig.LINGER_MS_CONFIG,
                        0),
                new StringSerializer(),
                new StringSerializer());
    }

    /** Sends the values (keyed by themselves) and waits until every one is acknowledged by all in-sync replicas. */
    static void produceAcknowledged(
            final KafkaProducer<String, String> producer, final String topic, final List<String> values)
            throws InterruptedException, ExecutionException {
        final List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (final String value : values) {
            acks.add(producer.send(new ProducerRecord<>(topic, value, value)));
        }
        for (final Future<RecordMetadata> ack : acks) {
            ack.get();
        }
    }

    /** Every value in the topic from the beginning, reading until {@code expected} arrived or 60 s passed. */
    static List<String> consumeAll(final String bootstrap, final String topic, final int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }

    /**
     * Every committed record of every partition of {@code topic}, from the beginning to the end the
     * partitions have when it starts, in each partition's order.
     *
     * @param client the connection (bootstrap servers, security)
     */
    public static <K, V> List<ConsumerRecord<K, V>> readCommitted(
            final Properties client, final String topic, final Deserializer<K> keys, final Deserializer<V> values) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** What a compacted topic says now: each key's latest value, keys whose latest record is a tombstone left out. */
    public static <K, V> Map<K, V> latestByKey(final List<ConsumerRecord<K, V>> records) {
        final Map<K, V> latest = new java.util.HashMap<>();
        for (final ConsumerRecord<K, V> record : records) {
            if (record.value() == null) {
                latest.remove(record.key());
            } else {
                latest.put(record.key(), record.value());
            }
        }
        return latest;
    }

    /** A value of Kafka's {@code meta.properties}, written when a log directory is formatted. */
    static String metaProperty(final Path nodeDir, final String key) throws IOException {
        final Properties meta = new Properties();
        try (Reader in = Files.newBufferedReader(nodeDir.resolve("data").resolve("meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty(key);
    }

    /** Waits, bounded, until every partition of {@code topic} has {@code replicas} in-sync replicas again. */
    public static void awaitFullIsr(final Admin admin, final String topic, final int replicas, final Duration timeout)
            throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            if (description.partitions().stream()
                    .map(TopicPartitionInfo::isr)
                    .allMatch(isr -> isr.size() == replicas)) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("all partitions back to %d in-sync replicas in time: %s", replicas, description)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /** Waits, bounded, until the cluster lists exactly {@code brokers} live brokers (a stopped one fenced). */
    public static void awaitLiveBrokers(final Admin admin, final int brokers) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (admin.describeCluster().nodes().get().size() != brokers) {
            assertThat(System.nanoTime()).as("%d live brokers in time", brokers).isLessThan(deadline);
            Thread.sleep(250);
        }
    }
}
