package io.purchasepipeline.runtime;

import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.RocksDbTuning;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
    static final long STORE_CACHE_BYTES = 64L * 1024 * 1024;
    static final String STREAMS_PROTOCOL = "streams";
    /** How soon a dead member is found: the stream threads' group, and the workers' (KafkaClients). */
    static final String SESSION_TIMEOUT_MS = "6000";

    static final String HEARTBEAT_INTERVAL_MS = "1000";

    private StreamsSettings() {}

    /**
     * @param bootstrapServers the Kafka cluster
     * @param stateDir where this instance keeps its RocksDB stores
     * @param overrides anything else (client security, {@code pipeline.*} rules), applied last
     */
    // processing.exception.handler.global.enabled is deprecated in Kafka 4.4 only because 5.0 turns it on
    // for everyone and drops it; turning it on now is the forward-compatible choice
    @SuppressWarnings("deprecation")
    public static Properties of(
            final String bootstrapServers, final Path stateDir, final Map<String, String> overrides) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // a hold, its answer and the payment that follows commit together, or not at all
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        // a bad record goes to dead-letters with the reason in its headers; the thread carries on
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS);
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // The partition assignor makes a StreamsConfig of its own from the main consumer's settings, which
        // do not carry the one above (Kafka 4.4), and warns at every start that the handler is off for the
        // global thread, which it is not. Given to the main consumer too, the assignor's copy has it; the
        // consumer itself ignores a key it does not know.
        props.put(
                StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                "true");
        // The streams rebalance protocol (KIP-1071): the broker assigns the tasks and finds a failed
        // instance. bench/failover: 19 s to recover from a kill -9 against 47 s with the classic
        // protocol, both finding the failure in 10 s. While tasks move, its query metadata leaves their
        // partitions out (KAFKA-20887), which InteractiveQueries does not depend on
        // (RebalanceQueriesTest). It needs Kafka 4.2 or later; its warm-ups are the broker's (Kafka 4.4:
        // group configs streams.num.warmup.replicas, streams.acceptable.recovery.lag). The classic
        // protocol: group.protocol=classic in --kafka-config. Either way a failed instance is found
        // in 6 s instead of Kafka's 45 s, and the others hear of its tasks within a second (a heartbeat
        // carries the new assignment): the main consumer's settings below, which under the streams
        // protocol the app asks its streams group for (StreamsGroupSettings; the broker must allow
        // them, as BrokerSettings.streamsGroupDefaults does).
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, STREAMS_PROTOCOL);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), HEARTBEAT_INTERVAL_MS);
        // A killed instance's open transaction holds back the new owner of its tasks until its
        // coordinator aborts it, transaction.timeout.ms after it began (Kafka Streams' 10 s). The
        // brokers look for timed-out transactions every 10 s; the app does it for its own every
        // second (TimedOutTransactions, which fences them), so 5 s keeps the abort within the failure
        // detection above (docs/reliability.md). (The brokers' own scan every second did the same for
        // a night and breaks exactly-once on Kafka 4.4.0 after a broker restart:
        // AbandonedTransactionsOnBrokerTest.) A transaction lasts one commit interval (100 ms); on a
        // cluster whose brokers take longer than 5 s to elect a new leader (Kafka's
        // broker.session.timeout.ms is 9 s) give it more in --kafka-config (docs/reliability.md). A
        // transaction aborted by a broker that restarted and whose markers never came holds its
        // partitions for good: RestoreStalls ends it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "5000");
        // The restore consumer (restores and standbys, one per instance) asks the broker for more every
        // 100 ms at most instead of 500: a task handed to this instance starts restoring only once the
        // consumer's fetch in flight for its other partitions (its standbys, idle between commits)
        // comes back, and with Kafka's 500 ms a takeover waited up to half a second for nothing
        // (bench/failover's restore lines: 73 records in 520 ms next to 161 in 37 ms).
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "100");
        // a warm copy of every store on another instance: failover without a full restore (under the
        // streams protocol the group's streams.num.standby.replicas decides: StreamsGroupSettings
        // sets it to this)
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        // process what has arrived instead of checking, before every record, whether the SKU task's
        // quiet inputs (catalog, seat commands) have data buffered on the broker: that check took
        // about a fifth of the stream thread in a profile of the contention bench, and turning it
        // off gave 16-20k hot-SKU reservations/s against 9-14.5k in paired runs. Nothing here
        // depends on the order of records across topics, only within a key's partition.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbTuning.class.getName());
        // The record cache in front of the stores (on the heap, shared by every store of the
        // instance): Kafka's 10 MB was full all the time with whole orders in the order store, so a
        // write evicted another entry (serialised, logged, written to RocksDB) instead of waiting
        // for the commit. With 64 MB, in alternating runs of 15,000 orders at the maximum rate:
        // 26.5-26.7 records written per order instead of 28.2-28.8, stream thread CPU 3.9-4.3 s
        // instead of 4.5-5.7 s, 1,772-1,872 orders/s instead of 1,346-1,765.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(STORE_CACHE_BYTES));
        props.putAll(overrides);
        return props;
    }

    /**
     * What the Kafka Streams client is given of {@code props}: under the streams protocol, without the
     * standby replicas, which the broker decides on (StreamsGroupSettings asks the group for them) and
     * which the client would only warn at every start that it ignores. (It warns as well that it
     * ignores warm-up replicas, whatever they are set to: 0 is refused; the production log
     * configuration drops that line.) Under the classic protocol, {@code props} as they are.
     */
    public static Properties forClient(final Properties props) {
        final Properties client = new Properties();
        client.putAll(props);
        if (STREAMS_PROTOCOL.equalsIgnoreCase(props.getProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG))) {
            client.remove(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
        }
        return client;
    }
}
