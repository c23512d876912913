package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Objects;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/** What the application's own log configuration lets through. */
class ProductionLoggingTest {

    @Test
    void dropsOnlyTheWarmUpReplicaWarningOfTheStreamsProtocol() throws Exception {
        final URI production = Objects.requireNonNull(StreamsSettings.class.getResource("/log4j2.properties"))
                .toURI();
        final LoggerContext context = Configurator.initialize("production-logging", null, production);
        try {
            final LoggerConfig streamsConfig =
                    context.getConfiguration().getLoggerConfig(StreamsConfig.class.getName());

            assertThat(
                            decision(
                                    streamsConfig,
                                    "Warmup replicas are not supported yet with the streams protocol and"
                                            + " will be ignored. If you want to use warmup replicas, please set group.protocol=classic."))
                    .isEqualTo(Filter.Result.DENY);
            assertThat(decision(
                            streamsConfig,
                            "Standby replicas are configured broker-side in the streams group"
                                    + " protocol and will be ignored."))
                    .isEqualTo(Filter.Result.NEUTRAL);
            assertThat(streamsConfig.getLevel()).isEqualTo(Level.WARN);
        } finally {
            Configurator.shutdown(context);
        }
    }

    private static Filter.Result decision(final LoggerConfig logger, final String message) {
        return logger.getFilter()
                .filter(Log4jLogEvent.newBuilder()
                        .setLoggerName(logger.getName())
                        .setLevel(Level.WARN)
                        .setMessage(new SimpleMessage(message))
                        .build());
    }
}
