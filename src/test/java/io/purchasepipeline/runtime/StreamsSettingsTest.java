package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.internals.ClientUtils;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production settings the measurements chose, and that the --kafka-config file still wins. */
class StreamsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void cachesStoreWritesInSixtyFourMegabytesInsteadOfKafkasTen() {
        final StreamsConfig config = new StreamsConfig(StreamsSettings.of("broker:9092", dir, Map.of()));

        assertThat(config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
                .isEqualTo(64L * 1024 * 1024);
    }

    /** The partition assignor reads its settings from the main consumer's: without this there it warns at every start. */
    @Test
    void theRestoreConsumerFetchesEveryTenthOfASecondSoATakeoverDoesNotWaitForItsFetchInFlight() {
        final StreamsConfig config = new StreamsConfig(StreamsSettings.of("broker:9092", dir, Map.of()));

        assertThat(config.getRestoreConsumerConfigs("client").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
                .isEqualTo("100");
        assertThat(config.getMainConsumerConfigs("group", "client", 0))
                .doesNotContainKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
    }

    @Test
    @SuppressWarnings("deprecation")
    void thePartitionAssignorSeesTheProcessingHandlerOnForTheGlobalThread() {
        final StreamsConfig config = new StreamsConfig(StreamsSettings.of("broker:9092", dir, Map.of()));

        final StreamsConfig assignors =
                new ClientUtils.QuietStreamsConfig(config.getMainConsumerConfigs("group", "client", 0));

        assertThat(config.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG))
                .isTrue();
        assertThat(assignors.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG))
                .isTrue();
    }

    @Test
    void shipsTheStreamsProtocolAndTheClassicOneIsOneSettingAway() {
        assertThat(StreamsSettings.of("broker:9092", dir, Map.of()))
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        assertThat(StreamsSettings.of("broker:9092", dir, Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic")))
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
    }

    /** Under the streams protocol the broker decides the standbys: the client is not told of them, and does not warn of them. */
    @Test
    void theStreamsClientIsStartedWithoutTheStandbysTheGroupDecides() {
        final Properties props = StreamsSettings.of("broker:9092", dir, Map.of());
        try (LogCapture log = LogCapture.of(StreamsConfig.class, Level.WARN)) {
            new StreamsConfig(StreamsSettings.forClient(props));
            assertThat(log.lines()).noneMatch(line -> line.contains("Standby replicas"));

            new StreamsConfig(props);
            assertThat(log.lines())
                    .as("what the client says of the app's own settings")
                    .anyMatch(line -> line.contains("Standby replicas"));
        }
        assertThat(props).containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
    }

    @Test
    void theClassicClientIsStartedWithTheSettingsAsTheyAre() {
        final Properties classic =
                StreamsSettings.of("broker:9092", dir, Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic"));

        assertThat(StreamsSettings.forClient(classic)).isEqualTo(classic);
    }

    @Test
    void aCacheSizeOrCommitIntervalInTheKafkaConfigFileWins() {
        final StreamsConfig config = new StreamsConfig(StreamsSettings.of(
                "broker:9092",
                dir,
                Map.of(
                        StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "1048576",
                        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "25")));

        assertThat(config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
                .isEqualTo(1024L * 1024);
        assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(25L);
    }
}
