package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.internals.ClientUtils;
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
