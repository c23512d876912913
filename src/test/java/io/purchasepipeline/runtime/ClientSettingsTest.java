package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --kafka-config} file's security settings reach every Kafka client the instance makes. */
class ClientSettingsTest {

    private static final Map<String, String> SECURITY = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"pipeline\" "
                            + "password=\"scram-secret\";",
            "ssl.truststore.location", "/etc/kafka/truststore.p12",
            "ssl.truststore.password", "truststore-secret",
            "ssl.truststore.type", "PKCS12",
            "ssl.endpoint.identification.algorithm", "https");

    @TempDir
    Path dir;

    @Test
    void readsEverySettingOfTheFile() throws Exception {
        final Map<String, String> loaded = ClientSettings.load(file());

        assertThat(loaded).containsAllEntriesOf(SECURITY).containsEntry("pipeline.fraud.amount.limit", "100.00");
        assertThat(ClientSettings.load(null)).isEmpty();
    }

    @Test
    void securitySettingsReachEveryClientOfTheStreamsApp() throws Exception {
        final StreamsConfig streams =
                new StreamsConfig(StreamsSettings.of("broker:9093", dir, ClientSettings.load(file())));

        final Map<String, Map<String, Object>> clients = Map.of(
                "main consumer", streams.getMainConsumerConfigs("group", "client", 0),
                "restore consumer", streams.getRestoreConsumerConfigs("client"),
                "global consumer", streams.getGlobalConsumerConfigs("client"),
                "producer", streams.getProducerConfigs("client"),
                "admin", streams.getAdminConfigs("client"));
        clients.forEach((client, config) -> assertThat(plain(config)).as(client).containsAllEntriesOf(SECURITY));
    }

    @Test
    void securitySettingsReachThePlainClientsButNotThePipelineRules() throws Exception {
        final Map<String, String> settings = ClientSettings.load(file());

        final KafkaClients clients = KafkaClients.of("broker:9093", settings);
        for (final Properties props : List.of(
                clients.connection(),
                clients.committedReader(),
                clients.groupConsumer("g", 1),
                clients.idempotentProducer(),
                clients.waitedOnProducer(),
                clients.transactionalProducer("t", Duration.ofSeconds(1)))) {
            assertThat(plain(props))
                    .containsAllEntriesOf(SECURITY)
                    .containsEntry("bootstrap.servers", "broker:9093")
                    .doesNotContainKey("pipeline.fraud.amount.limit");
        }
    }

    private Path file() throws Exception {
        final Properties props = new Properties();
        props.putAll(SECURITY);
        props.put("pipeline.fraud.amount.limit", "100.00");
        final Path file = dir.resolve("kafka.properties");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "client security and pipeline rules");
        }
        return file;
    }

    private static Map<String, String> plain(final Map<?, ?> config) {
        final Map<String, String> values = new HashMap<>();
        config.forEach((key, value) -> values.put(
                String.valueOf(key), value instanceof Password password ? password.value() : String.valueOf(value)));
        return values;
    }
}
