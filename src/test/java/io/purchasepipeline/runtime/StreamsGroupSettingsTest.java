package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.instance.InJvmPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Failure detection and standby replicas, under the classic protocol the app runs and the streams protocol it can choose. */
@Timeout(300)
class StreamsGroupSettingsTest {

    private static final ConfigResource GROUP =
            new ConfigResource(ConfigResource.Type.GROUP, StreamsSettings.APPLICATION_ID);

    @TempDir
    Path stateDir;

    @Test
    void productionSettingsDetectAFailedInstanceInTenSecondsAndKeepOneStandby() {
        final Properties props = StreamsSettings.of("localhost:9092", stateDir, Map.of());

        assertThat(props)
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        // the streams protocol stays one setting away
        assertThat(StreamsSettings.of(
                        "localhost:9092", stateDir, Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams")))
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
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
        final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!expected.equals(groupStandbyReplicas(admin)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(groupStandbyReplicas(admin)).isEqualTo(expected);
    }

    private static String groupStandbyReplicas(final Admin admin) throws Exception {
        final ConfigEntry entry =
                admin.describeConfigs(List.of(GROUP)).all().get().get(GROUP).get(StreamsGroupSettings.STANDBY_REPLICAS);
        return entry == null ? null : entry.value();
    }

    private static List<?> standbyTasks(final KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::standbyTasks)
                .flatMap(java.util.Set::stream)
                .toList();
    }
}
