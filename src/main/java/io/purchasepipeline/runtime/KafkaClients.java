package io.purchasepipeline.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every plain Kafka client's settings (the streams app's are {@link StreamsSettings}), built in one
 * place on one connection: the bootstrap servers and the client settings of the
 * {@code --kafka-config} file (security), so that no client is made without them.
 */
public final class KafkaClients {

    /** The group configs of KIP-848 for how soon a member that stopped heartbeating is dead. */
    static final String CONSUMER_SESSION_TIMEOUT = "consumer.session.timeout.ms";

    static final String CONSUMER_HEARTBEAT_INTERVAL = "consumer.heartbeat.interval.ms";

    private final Properties connection;
    /** Whether the app runs the classic rebalance protocol ({@code group.protocol=classic}), its workers too. */
    private final boolean classicGroups;

    private KafkaClients(final Properties connection, final boolean classicGroups) {
        this.connection = connection;
        this.classicGroups = classicGroups;
    }

    /**
     * Only the client settings: {@code pipeline.*} and streams-only keys would make clients warn, the
     * streams app's {@code group.protocol} ({@code streams}) is a value a plain consumer rejects, and
     * the instance id names this instance in the streams app's group only. {@code group.protocol=classic}
     * (for a Kafka older than 4.2) puts the workers' groups on the classic protocol as well.
     */
    public static KafkaClients of(final String bootstrapServers, final Map<String, String> clientSettings) {
        final Properties props = new Properties();
        clientSettings.forEach((key, value) -> {
            if (!key.startsWith("pipeline.")
                    && !key.equals(StreamsConfig.GROUP_PROTOCOL_CONFIG)
                    && !key.equals(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
                props.put(key, value);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaClients(props, classic(clientSettings.get(StreamsConfig.GROUP_PROTOCOL_CONFIG)));
    }

    /** Clients on a connection given whole: the bootstrap servers and whatever else every client needs. */
    public static KafkaClients of(final Properties connection) {
        final Properties props = new Properties();
        props.putAll(connection);
        return new KafkaClients(props, classic(connection.getProperty(ConsumerConfig.GROUP_PROTOCOL_CONFIG)));
    }

    private static boolean classic(final String groupProtocol) {
        return GroupProtocol.CLASSIC.name().equalsIgnoreCase(groupProtocol);
    }

    /** The same connection, its clients naming themselves {@code clientId} unless the settings name them. */
    public KafkaClients namedByDefault(final String clientId) {
        final Properties props = connection();
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return new KafkaClients(props, classicGroups);
    }

    /** The same connection, its clients naming themselves {@code clientId} in Kafka's metrics and logs, whatever the settings say. */
    public KafkaClients named(final String clientId) {
        final Properties props = connection();
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return new KafkaClients(props, classicGroups);
    }

    /** The connection alone, a copy: what an admin client needs. */
    public Properties connection() {
        final Properties props = new Properties();
        props.putAll(connection);
        return props;
    }

    public Admin admin() {
        return Admin.create(connection());
    }

    /**
     * A reader outside any group: it commits nothing and leaves the pipeline's groups alone, sees
     * committed records only, and creates no topic by reading it.
     */
    public Properties committedReader() {
        final Properties props = connection();
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }

    /**
     * A worker's consumer: a member of {@code groupId}, whose positions only its transactions commit,
     * reading committed records from the beginning of what the group has not read. The group runs
     * the consumer rebalance protocol (KIP-848): the broker assigns the partitions and moves each
     * one on its own, from its owner to its new member, within a heartbeat or two, while the other
     * members go on reading and committing; under the classic protocol every change of members was
     * a group-wide barrier of two rounds (cooperative), in which the answers of the partitions on the
     * move waited (bench/failover: the longest stall of a clean restart lay there). The broker also
     * decides when a member is dead, from the group's configs: ask for them with
     * {@link #askGroupForItsSettings}. A session timeout or heartbeat interval among the client
     * settings is the group's wish, not the consumer's (which would refuse them under this protocol).
     * With {@code group.protocol=classic} among the client settings the group runs the classic
     * protocol instead, its partitions moved cooperatively, and the consumer is given the session
     * and heartbeats itself.
     */
    public Properties groupConsumer(final String groupId, final int maxPollRecords) {
        final Properties props = committedReader();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        if (classicGroups) {
            // the client assigns, cooperatively, and is told how soon a dead member is found
            props.put(
                    ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                    GroupProtocol.CLASSIC.name().toLowerCase(Locale.ROOT));
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, StreamsSettings.SESSION_TIMEOUT_MS);
            props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, StreamsSettings.HEARTBEAT_INTERVAL_MS);
            return props;
        }
        props.put(
                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                GroupProtocol.CONSUMER.name().toLowerCase(Locale.ROOT));
        props.remove(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        props.remove(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
        props.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        return props;
    }

    /**
     * What a worker's group is asked for: a member that dies found in 6 s, heartbeats every second,
     * as for the stream threads (StreamsSettings), unless the client settings give a
     * {@code session.timeout.ms} or {@code heartbeat.interval.ms} of their own. A killed instance's
     * workers stay members of their groups until their sessions end, and their partitions wait
     * meanwhile (with the consumer's 45 s, bench/failover saw the survivors' mail senders stuck for
     * 44 s after a kill -9).
     */
    public Map<String, String> groupSettings() {
        final Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(
                CONSUMER_HEARTBEAT_INTERVAL,
                connection.getProperty(
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, StreamsSettings.HEARTBEAT_INTERVAL_MS));
        wanted.put(
                CONSUMER_SESSION_TIMEOUT,
                connection.getProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, StreamsSettings.SESSION_TIMEOUT_MS));
        return wanted;
    }

    /**
     * Asks the group {@code groupId} for {@link #groupSettings()} (group configs of KIP-848), before
     * its first member joins. A broker that refuses (its {@code group.consumer.min.*} bounds, no
     * permission) says so in one line and its own {@code group.consumer.*} settings apply.
     */
    public void askGroupForItsSettings(final String groupId) {
        if (classicGroups) {
            return;
        }
        try (Admin admin = admin()) {
            GroupConfigs.apply(admin, groupId, groupSettings(), "consumer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A producer whose every record is written once and acknowledged by all in-sync replicas. */
    public Properties idempotentProducer() {
        final Properties props = connection();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        return props;
    }

    /**
     * {@link #idempotentProducer()} for writes a caller waits on (the HTTP routes): {@code send()}
     * waits for the topic's metadata up to {@code max.block.ms} (60 s by default) before the caller's
     * own bound even starts, so with Kafka unreachable a request would hang for 40 s and more.
     */
    public Properties waitedOnProducer() {
        final Properties props = idempotentProducer();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        return props;
    }

    /**
     * A worker's transactional producer. Each transaction often starts right after the last one
     * committed, whose markers the coordinator may still be writing; until they are written
     * (milliseconds) it answers "concurrent transactions" and the client backs off. At the client's
     * default backoff (100 ms) that wait was most of each transaction's time (docs/performance.md),
     * so the backoff starts at 5 ms here; a backoff set in the client settings is kept.
     *
     * @param transactionTimeout how long a worker that died inside a transaction holds up the readers of its partitions
     */
    public Properties transactionalProducer(final String transactionalId, final Duration transactionTimeout) {
        final Properties props = new Properties();
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5");
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
        props.putAll(connection);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }
}
