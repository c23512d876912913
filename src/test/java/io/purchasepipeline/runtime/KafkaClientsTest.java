package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Every plain client's settings, from one connection. */
class KafkaClientsTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "security.protocol",
            "SASL_SSL",
            "pipeline.fraud.amount.limit",
            "100.00",
            StreamsConfig.GROUP_PROTOCOL_CONFIG,
            "streams",
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            "instance-1");

    private final KafkaClients clients = KafkaClients.of("broker:9093", SETTINGS);

    @Test
    void theConnectionKeepsTheClientSettingsButNotThePipelinesRulesNorTheStreamsAppsGroupSettings() {
        assertThat(clients.connection())
                .containsOnly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "broker:9093"));
    }

    @Test
    void aCommittedReaderIsInNoGroupAndSeesCommittedRecordsOnly() {
        final Properties props = KafkaClients.of(withGroup()).committedReader();

        assertThat(props)
                .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG)
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    }

    @Test
    void aGroupConsumerCommitsOnlyThroughItsTransactionsUnderTheConsumerRebalanceProtocol() {
        final Properties props = clients.groupConsumer("workers", 50);

        assertThat(props)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "workers")
                .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    /**
     * A killed instance's workers stay members of their groups until their sessions end, and their
     * partitions wait meanwhile: the workers' groups are asked to find a dead member as fast as the
     * stream threads' group does. Under the consumer protocol that is the group's config, which the
     * consumer itself refuses to be given.
     */
    @Test
    void aGroupConsumersGroupIsAskedToFindItDeadAsFastAsAStreamThread() {
        final Properties streams = StreamsSettings.of("localhost:9092", Path.of("unused"), Map.of());

        assertThat(clients.groupSettings())
                .containsExactly(
                        Map.entry(
                                "consumer.heartbeat.interval.ms",
                                streams.getProperty(
                                        StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))),
                        Map.entry(
                                "consumer.session.timeout.ms",
                                streams.getProperty(
                                        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))));
        // a session of the user's own (--kafka-config) is what the group is asked for, not given to the consumer
        final KafkaClients own =
                KafkaClients.of("broker:9093", Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000"));
        assertThat(own.groupSettings()).containsEntry("consumer.session.timeout.ms", "30000");
        assertThat(own.groupConsumer("workers", 50))
                .doesNotContainKeys(
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    }

    /** For a Kafka without the broker-side protocols: the app's group.protocol=classic puts the workers on it too. */
    @Test
    void theClassicProtocolOfTheAppIsTheWorkersToo() {
        final KafkaClients classic =
                KafkaClients.of("broker:9093", Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic"));

        assertThat(classic.groupConsumer("workers", 50))
                .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry(
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName())
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        assertThat(classic.named("worker-1").groupConsumer("workers", 50))
                .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        assertThat(KafkaClients.of(
                                "broker:9093",
                                Map.of(
                                        StreamsConfig.GROUP_PROTOCOL_CONFIG,
                                        "classic",
                                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                                        "30000"))
                        .groupConsumer("workers", 50))
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000");
    }

    @Test
    void aProducerACallerWaitsOnGivesUpOnMissingMetadataWithinSeconds() {
        assertThat(clients.idempotentProducer())
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .doesNotContainKey(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        assertThat(clients.waitedOnProducer())
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    }

    @Test
    void aTransactionalProducerRetriesAConcurrentTransactionAfterMillisecondsNotTheClientsDefaultTenth() {
        final Properties props = clients.transactionalProducer("worker-1", Duration.ofSeconds(10));

        assertThat(props)
                .containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5")
                .containsEntry(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500")
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "worker-1")
                .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    }

    @Test
    void aBackoffInTheClientSettingsIsKept() {
        final Properties props = KafkaClients.of("broker:9093", Map.of(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50"))
                .transactionalProducer("worker-1", Duration.ofSeconds(10));

        assertThat(props).containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
    }

    @Test
    void aClientIdInTheSettingsWinsOverTheDefaultName() {
        assertThat(clients.namedByDefault("load").connection())
                .containsEntry(CommonClientConfigs.CLIENT_ID_CONFIG, "load");
        assertThat(KafkaClients.of("broker:9093", Map.of(CommonClientConfigs.CLIENT_ID_CONFIG, "mine"))
                        .namedByDefault("load")
                        .connection())
                .containsEntry(CommonClientConfigs.CLIENT_ID_CONFIG, "mine");
    }

    private static Properties withGroup() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "broker:9093");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "someone-elses");
        return props;
    }
}
