package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On a real broker whose own scan for timed-out transactions is too rare to matter here (every
 * 10 minutes): a producer of the app dies inside a transaction, and the app's check ends that
 * transaction once it is past its timeout, while a live transaction of the app within its timeout,
 * and another application's dead one, are left alone.
 */
class TimedOutTransactionsOnBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final TopicPartition DEAD = new TopicPartition("held", 0);
    private static final TopicPartition LIVE = new TopicPartition("held", 1);
    private static final TopicPartition FOREIGN = new TopicPartition("held", 2);

    @Test
    @Timeout(180)
    void theAppsTransactionLeftOpenByADeadProducerIsAbortedOnceTimedOutAndNothingElse() throws Exception {
        try (KafkaClusterTestKit cluster = brokerScanningEveryTenMinutes();
                Admin admin = Admin.create(
                        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("held", 3, (short) 1)))
                    .all()
                    .get();
            abandon(cluster, "purchase-pipeline-dead-1", DEAD, TIMEOUT);
            abandon(cluster, "another-app-dead-1", FOREIGN, TIMEOUT);
            try (KafkaProducer<String, String> live =
                            producer(cluster, "purchase-pipeline-live-1", Duration.ofMinutes(1));
                    TimedOutTransactions check = TimedOutTransactions.watch(
                            admin, TimedOutTransactions.ofApp("purchase-pipeline"), TIMEOUT)) {
                live.initTransactions();
                live.beginTransaction();
                live.send(new ProducerRecord<>(LIVE.topic(), LIVE.partition(), "k", "live"));
                live.flush();

                final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (held(admin, DEAD) && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
                assertThat(held(admin, DEAD))
                        .as("the dead producer's transaction, aborted")
                        .isFalse();
                assertThat(state(admin, "purchase-pipeline-dead-1"))
                        .isIn(TransactionState.COMPLETE_ABORT, TransactionState.EMPTY);

                // a few more checks: what is not the app's, or within its timeout, stays open
                TimeUnit.SECONDS.sleep(3);
                assertThat(held(admin, FOREIGN))
                        .as("another application's transaction")
                        .isTrue();
                assertThat(state(admin, "another-app-dead-1")).isEqualTo(TransactionState.ONGOING);
                live.commitTransaction();
            }
            assertThat(committed(cluster))
                    .as("the live transaction committed, the dead one's record aborted")
                    .containsExactly("live");
        }
    }

    private static KafkaClusterTestKit brokerScanningEveryTenMinutes() throws Exception {
        final KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "3")
                .setConfigProp("transaction.abort.timed.out.transaction.cleanup.interval.ms", "600000")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /** A producer that writes in a transaction and dies: closed at once, without ending it. */
    private static void abandon(
            final KafkaClusterTestKit cluster,
            final String transactionalId,
            final TopicPartition partition,
            final Duration timeout) {
        final KafkaProducer<String, String> producer = producer(cluster, transactionalId, timeout);
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), "k", "dead"));
        producer.flush();
        producer.close(Duration.ZERO);
    }

    private static KafkaProducer<String, String> producer(
            final KafkaClusterTestKit cluster, final String transactionalId, final Duration timeout) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) timeout.toMillis());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static TransactionState state(final Admin admin, final String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId))
                .all()
                .get()
                .get(transactionalId)
                .state();
    }

    /** Whether an open transaction holds the partition's last stable offset below its high watermark. */
    private static boolean held(final Admin admin, final TopicPartition partition) throws Exception {
        final long stable = admin.listOffsets(
                        Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(partition)
                .get()
                .offset();
        final long high = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                .partitionResult(partition)
                .get()
                .offset();
        return stable < high;
    }

    private static List<String> committed(final KafkaClusterTestKit cluster) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(Set.of(DEAD, LIVE));
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && values.isEmpty()) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }
}
