package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The census reads records on a real broker: markers and aborted records take offsets but are not counted as records. */
class RecordCensusTest {

    private static KafkaClusterTestKit cluster;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        admin.close();
        cluster.close();
    }

    @Test
    void countsCommittedRecordsAndSetsMarkersAndAbortedRecordsApart() throws Exception {
        final String topic = "census-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        try (KafkaProducer<String, String> plain = producer(null)) {
            // before the first snapshot: not counted
            for (int i = 0; i < 5; i++) {
                plain.send(new ProducerRecord<>(topic, i % 2, "k", "before")).get();
            }
        }
        final RecordCensus.Snapshot from = RecordCensus.snapshot(admin);
        try (KafkaProducer<String, String> tx = producer("census-" + UUID.randomUUID())) {
            tx.initTransactions();
            tx.beginTransaction(); // both partitions: two commit markers
            send(tx, topic, 0, 2);
            send(tx, topic, 1, 2);
            tx.commitTransaction();
            tx.beginTransaction(); // partition 0 only: one marker
            send(tx, topic, 0, 6);
            tx.commitTransaction();
            tx.beginTransaction(); // aborted, partition 1: three records and one abort marker
            send(tx, topic, 1, 3);
            tx.flush();
            tx.abortTransaction();
        }
        final RecordCensus.Snapshot to = RecordCensus.snapshot(admin);

        final Map<String, RecordCensus.TopicCount> counts = RecordCensus.count(clientProps(), from, to);

        assertThat(counts.get(topic)).isEqualTo(new RecordCensus.TopicCount(10, 3, 4));
        assertThat(RecordCensus.records(counts, List.of(topic))).isEqualTo(10);
        // what an end-offset delta reads
        assertThat(counts.get(topic).offsets()).isEqualTo(17);
    }

    @Test
    void leavesOutTopicsNothingWasWrittenToAndCountsNewTopicsFromTheirStart() throws Exception {
        final String quiet = "quiet-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(quiet, 1, (short) 1))).all().get();
        final RecordCensus.Snapshot from = RecordCensus.snapshot(admin);
        final String created = "created-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(created, 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> plain = producer(null)) {
            send(plain, created, 0, 4);
            plain.flush();
        }
        final Map<String, RecordCensus.TopicCount> counts =
                RecordCensus.count(clientProps(), from, RecordCensus.snapshot(admin));

        assertThat(counts).doesNotContainKey(quiet);
        assertThat(counts.get(created)).isEqualTo(new RecordCensus.TopicCount(4, 0, 0));
        assertThat(RecordCensus.recordsOf(counts, List.of(created, quiet))).isEqualTo(Map.of(created, 4L));
    }

    @Test
    void offsetsDeletedBeforeTheCountAreUnreadNotMarkers() throws Exception {
        final String topic = "purged-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        final RecordCensus.Snapshot from = RecordCensus.snapshot(admin);
        try (KafkaProducer<String, String> plain = producer(null)) {
            send(plain, topic, 0, 10);
            plain.flush();
        }
        final RecordCensus.Snapshot to = RecordCensus.snapshot(admin);
        // as Kafka Streams purges a repartition topic once its records were consumed
        admin.deleteRecords(Map.of(
                        new org.apache.kafka.common.TopicPartition(topic, 0),
                        org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(6)))
                .all()
                .get();

        assertThat(RecordCensus.count(clientProps(), from, to).get(topic))
                .isEqualTo(new RecordCensus.TopicCount(4, 0, 0, 6));
    }

    private static void send(
            final KafkaProducer<String, String> producer, final String topic, final int partition, final int records) {
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
        }
    }

    private static Properties clientProps() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return props;
    }

    private static KafkaProducer<String, String> producer(final String transactionalId) {
        final Properties props = clientProps();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
