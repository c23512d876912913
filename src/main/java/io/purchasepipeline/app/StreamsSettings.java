package io.purchasepipeline.app;

import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.RocksDbTuning;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The streams application's production settings, in one place: the app and its tests build the
 * topology from these, never from a copy.
 */
public final class StreamsSettings {

    public static final String APPLICATION_ID = "purchase-pipeline";

    private StreamsSettings() {
    }

    /**
     * @param bootstrapServers the Kafka cluster
     * @param stateDir where this instance keeps its RocksDB stores
     * @param overrides anything else (client security, {@code pipeline.*} rules), applied last
     */
    public static Properties of(final String bootstrapServers, final Path stateDir, final Map<String, String> overrides) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // a hold, its answer and the payment that follows commit together, or not at all
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        // a bad record goes to dead-letters with the reason in its headers; the thread carries on
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // the broker assigns the tasks (KIP-1071): after a kill -9 the survivors take over once the
        // broker's group.streams.session.timeout.ms passes, without a stop-the-world rebalance
        // (bench/failover measured both protocols; the README has the figures)
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        // a warm copy of every store on another instance: failover without a full restore (under the
        // streams protocol the group's streams.num.standby.replicas decides: StreamsGroupSettings
        // sets it to this)
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbTuning.class.getName());
        props.putAll(overrides);
        return props;
    }
}
