package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The application's own log settings (src/main/resources/log4j2.properties), as the jar ships them. */
class LogSettingsTest {

    private static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    private static final String STREAMS_CONFIG = "org.apache.kafka.streams.StreamsConfig";
    private static final String STREAMS_HEARTBEAT =
            "org.apache.kafka.clients.consumer.internals.StreamsGroupHeartbeatRequestManager";

    /** The log settings the jar ships, loaded once for the class. */
    private static LoggerContext context;

    @BeforeAll
    static void load() {
        context = new LoggerContext(
                "shipped-log-settings",
                null,
                Path.of("src/main/resources/log4j2.properties").toUri());
        context.start();
    }

    @AfterAll
    static void unload() {
        context.stop();
    }

    private static LoggerConfig shipped(final String logger) {
        return context.getConfiguration().getLoggerConfig(logger);
    }

    @Test
    void aProduceRetriedForConcurrentTransactionsIsNotLoggedButTheProducersOtherWarningsAre() {
        final LoggerConfig sender = shipped(SENDER);

        assertThat(sender.isFiltered(warn("[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1] "
                        + "Got error produce response with correlation id 29 on topic-partition products-0, "
                        + "retrying (2147483646 attempts left). Error: CONCURRENT_TRANSACTIONS")))
                .isTrue();
        assertThat(sender.isFiltered(warn("[Producer clientId=app-StreamThread-1-producer] Got error produce "
                        + "response with correlation id 30 on topic-partition orders-0, retrying (2147483646 "
                        + "attempts left). Error: NOT_LEADER_OR_FOLLOWER")))
                .isFalse();
        assertThat(sender.isFiltered(warn("[Producer clientId=app] Received invalid metadata error in produce "
                        + "request on partition orders-0 due to CONCURRENT_TRANSACTIONS")))
                .isFalse();
    }

    @Test
    void theWarmUpReplicaWarningOfTheStreamsProtocolIsNotLoggedButTheStreamsConfigsOtherWarningsAre() {
        final LoggerConfig streamsConfig = shipped(STREAMS_CONFIG);

        assertThat(streamsConfig.isFiltered(warn(
                        STREAMS_CONFIG,
                        "Warmup replicas are not supported yet with the streams protocol and will be ignored. If"
                                + " you want to use warmup replicas, please set group.protocol=classic.")))
                .isTrue();
        assertThat(streamsConfig.isFiltered(warn(
                        STREAMS_CONFIG,
                        "Standby replicas are configured broker-side in the streams group protocol and will be"
                                + " ignored.")))
                .isFalse();
    }

    @Test
    void internalTopicsBeingCreatedOnAFirstJoinAreNotLoggedButOtherStatusesOfTheStreamsGroupAre() {
        final String prefix =
                "[Consumer clientId=purchase-pipeline-1-StreamThread-1-consumer, groupId=purchase-pipeline]"
                        + " Membership is in the following statuses: ";
        final String missing = "(3) Internal topics are missing: purchase-pipeline-customer-order-times-changelog,"
                + " purchase-pipeline-order-status-changelog, purchase-pipeline-analytics-changelog and 6 additional"
                + " topics";
        final LoggerConfig heartbeat = shipped(STREAMS_HEARTBEAT);

        assertThat(heartbeat.isFiltered(warn(STREAMS_HEARTBEAT, prefix + missing)))
                .isTrue();
        assertThat(heartbeat.isFiltered(warn(
                        STREAMS_HEARTBEAT, prefix + missing + ", (4) Internal topics are incorrectly partitioned")))
                .isFalse();
        assertThat(heartbeat.isFiltered(warn(STREAMS_HEARTBEAT, prefix + "(1) Stale topology")))
                .isFalse();
    }

    private static LogEvent warn(final String message) {
        return warn(SENDER, message);
    }

    private static LogEvent warn(final String logger, final String message) {
        return Log4jLogEvent.newBuilder()
                .setLoggerName(logger)
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage(message))
                .build();
    }
}
