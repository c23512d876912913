package io.purchasepipeline.cli;

import io.purchasepipeline.runtime.ClientSettings;
import io.purchasepipeline.runtime.KafkaClients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The Kafka options the commands that talk to a pipeline's Kafka share: where it is, and the file of
 * extra client settings (SASL, TLS) and {@code pipeline.*} rules.
 */
public final class KafkaOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}",
            description =
                    "Kafka to use (env KAFKA_BOOTSTRAP_SERVERS); without it run starts an embedded broker, and log "
                            + "reads the one at 127.0.0.1:9092")
    private String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "A properties file of extra client settings (SASL/TLS) and pipeline.* rules")
    private Path kafkaConfig;

    /** The servers given, or null when none was. */
    public String bootstrapServers() {
        return bootstrapServers == null || bootstrapServers.isBlank() ? null : bootstrapServers;
    }

    /** The {@code --kafka-config} file's settings; none without one. */
    public Map<String, String> settings() throws IOException {
        return ClientSettings.load(kafkaConfig);
    }

    /**
     * Client properties for a plain client: the file's client settings and the servers given, else
     * {@code fallback} (the embedded broker's address, for the commands that read a local pipeline).
     */
    public Properties clientProps(final String fallback) throws IOException {
        return KafkaClients.of(bootstrapServers() != null ? bootstrapServers() : fallback, settings())
                .connection();
    }
}
