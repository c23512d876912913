package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.tools.kafka.BrokerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Failure detection and standby replicas, under the streams protocol the app runs and the classic protocol it can choose. */
@Timeout(300)
class StreamsGroupSettingsTest {

    private static final ConfigResource GROUP =
            new ConfigResource(ConfigResource.Type.GROUP, StreamsSettings.APPLICATION_ID);

    @TempDir
    Path stateDir;

    @Test
    void productionSettingsDetectAFailedInstanceInSixSecondsAndKeepOneStandby() {
        final Properties props = StreamsSettings.of("localhost:9092", stateDir, Map.of());

        assertThat(props)
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")
                .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000")
                .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000")
                // a dead instance's open transaction is aborted within the failure detection
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "5000");
        // the broker's side: a failed instance found in 6 s, one standby; the scan for timed-out
        // transactions stays Kafka's (TimedOutTransactions does it every second for the app's own)
        assertThat(BrokerSettings.streamsGroupDefaults())
                .containsEntry("group.streams.session.timeout.ms", "6000")
                .containsEntry("group.streams.heartbeat.interval.ms", "1000")
                .containsEntry("group.streams.num.standby.replicas", "1");
        assertThat(BrokerSettings.clusterDefaults(1))
                .containsAllEntriesOf(BrokerSettings.streamsGroupDefaults())
                .doesNotContainKey("transaction.abort.timed.out.transaction.cleanup.interval.ms");
        assertThat(BrokerSettings.clusterDefaults(3)).containsAllEntriesOf(BrokerSettings.streamsGroupDefaults());
        // the classic protocol stays one setting away, with the same failure detection
        assertThat(StreamsSettings.of(
                        "localhost:9092", stateDir, Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic")))
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
    }

    @Test
    void asksTheStreamsGroupForTheAppsStandbyReplicasOnlyUnderTheStreamsProtocol() throws Exception {
        try (KafkaClusterTestKit cluster = InJvmPipeline.startKafka();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            // the classic protocol assigns on the client: the group config is left as it is
            final Properties classic = StreamsSettings.of(
                    cluster.bootstrapServers(), stateDir, Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic"));
            assertThat(StreamsGroupSettings.apply(admin, classic)).isEqualTo(-1);
            assertThat(groupStandbyReplicas(admin)).isNotEqualTo("1");

            final Properties streams = StreamsSettings.of(
                    cluster.bootstrapServers(), stateDir, Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams"));
            assertThat(StreamsGroupSettings.apply(admin, streams)).isEqualTo(1);
            awaitGroupStandbyReplicas(admin, "1");
            // and the app's failure detection, which the main consumer's settings say under either protocol
            assertThat(groupConfig(admin, StreamsGroupSettings.SESSION_TIMEOUT)).isEqualTo("6000");
            assertThat(groupConfig(admin, StreamsGroupSettings.HEARTBEAT_INTERVAL))
                    .isEqualTo("1000");

            // asked again (a second instance starting), the answer stays
            assertThat(StreamsGroupSettings.apply(admin, streams)).isEqualTo(1);
            final Properties two = StreamsSettings.of(
                    cluster.bootstrapServers(),
                    stateDir,
                    Map.of(
                            StreamsConfig.GROUP_PROTOCOL_CONFIG,
                            "streams",
                            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                            "2"));
            assertThat(StreamsGroupSettings.apply(admin, two)).isEqualTo(2);
            awaitGroupStandbyReplicas(admin, "2");

            // a static member given longer to come back through a restart
            final Properties longer = StreamsSettings.of(
                    cluster.bootstrapServers(),
                    stateDir,
                    Map.of(
                            StreamsConfig.GROUP_PROTOCOL_CONFIG,
                            "streams",
                            StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                            "30000"));
            assertThat(StreamsGroupSettings.apply(admin, longer)).isEqualTo(1);
            awaitGroupConfig(admin, StreamsGroupSettings.SESSION_TIMEOUT, "30000");

            // a value the broker refuses leaves that one setting to the broker, and the others set
            final Properties refused = StreamsSettings.of(
                    cluster.bootstrapServers(),
                    stateDir,
                    Map.of(
                            StreamsConfig.GROUP_PROTOCOL_CONFIG,
                            "streams",
                            StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                            "1000",
                            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                            "2"));
            assertThat(StreamsGroupSettings.apply(admin, refused)).isEqualTo(2);
            awaitGroupStandbyReplicas(admin, "2");
            assertThat(groupConfig(admin, StreamsGroupSettings.SESSION_TIMEOUT)).isEqualTo("30000");
        }
    }

    @Test
    void twoInstancesKeepAStandbyOfEachOthersTasks() throws Exception {
        try (InJvmPipeline pipeline = InJvmPipeline.start(2, 2)) {
            final List<KafkaStreams> instances =
                    List.of(pipeline.app(0).streams(), pipeline.app(1).streams());
            final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!instances.stream()
                            .allMatch(streams -> streams.state() == KafkaStreams.State.RUNNING
                                    && !standbyTasks(streams).isEmpty())
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            for (final KafkaStreams streams : instances) {
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(standbyTasks(streams))
                        .as("standby tasks of an instance")
                        .isNotEmpty();
            }
        }
    }

    /** A group config reaches the broker's view through the metadata log: read back, bounded, until it shows. */
    private static void awaitGroupStandbyReplicas(final Admin admin, final String expected) throws Exception {
        awaitGroupConfig(admin, StreamsGroupSettings.STANDBY_REPLICAS, expected);
    }

    private static void awaitGroupConfig(final Admin admin, final String name, final String expected) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!expected.equals(groupConfig(admin, name)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(groupConfig(admin, name)).as(name).isEqualTo(expected);
    }

    private static String groupStandbyReplicas(final Admin admin) throws Exception {
        return groupConfig(admin, StreamsGroupSettings.STANDBY_REPLICAS);
    }

    private static String groupConfig(final Admin admin, final String name) throws Exception {
        final ConfigEntry entry =
                admin.describeConfigs(List.of(GROUP)).all().get().get(GROUP).get(name);
        return entry == null ? null : entry.value();
    }

    private static List<?> standbyTasks(final KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::standbyTasks)
                .flatMap(java.util.Set::stream)
                .toList();
    }
}
