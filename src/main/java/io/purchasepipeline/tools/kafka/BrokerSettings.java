package io.purchasepipeline.tools.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The settings a node runs with: the defaults of a small local cluster, and what its identity and ports decide. */
public final class BrokerSettings {

    /** Keys derived from the node's identity and ports: overriding them would break it. */
    private static final Set<String> MANAGED_KEYS = Set.of(
            "process.roles",
            "node.id",
            "listeners",
            "advertised.listeners",
            "controller.listener.names",
            "inter.broker.listener.name",
            "listener.security.protocol.map",
            "controller.quorum.bootstrap.servers",
            "controller.quorum.voters",
            "log.dirs",
            "log.dir",
            "metadata.log.dir");

    private BrokerSettings() {}

    /**
     * The broker settings of a node in a cluster of {@code clusterSize} nodes. Kafka's defaults
     * assume three brokers: on fewer, its internal topics (consumer offsets, transactions, share
     * groups) could never be created and consumer groups and exactly-once processing would hang. With
     * three or more nodes one may fail without losing acknowledged records (RF 3, min ISR 2), and
     * shorter broker heartbeats make the controller fence a dead node in about 3 s instead of 9, so
     * that partitions stall only briefly.
     */
    public static Map<String, String> clusterDefaults(final int clusterSize) {
        final String replication = Integer.toString(Math.min(3, clusterSize));
        final String minInsync = clusterSize >= 3 ? "2" : "1";
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("default.replication.factor", replication);
        props.put("min.insync.replicas", minInsync);
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minInsync);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minInsync);
        // a development cluster has no herd of consumers joining at once: don't make the first one wait
        props.put("group.initial.rebalance.delay.ms", "0");
        // A producer asking for a topic that does not exist makes Kafka create it with one partition
        // (num.partitions): that is how a repartition topic got 1 partition instead of 6 when an app
        // wrote to a broker that was not its own. Every topic here is created on purpose, with its
        // partition count: by the app's provisioner, or by Kafka Streams for its internal topics.
        props.put("auto.create.topics.enable", "false");
        if (clusterSize > 1) {
            props.put("broker.heartbeat.interval.ms", "500");
            props.put("broker.session.timeout.ms", "3000");
        }
        props.putAll(streamsGroupDefaults());
        props.putAll(consumerGroupDefaults());
        return props;
    }

    /**
     * The broker side of the consumer rebalance protocol (KIP-848), which the app's workers use
     * (KafkaClients.groupConsumer): Kafka's defaults and lower bounds are a 45 s session and 5 s
     * heartbeats, with which a killed instance's payment partitions would wait 45 s; these find it in
     * 6 s, as the streams group does, and let the groups ask for that themselves.
     */
    public static Map<String, String> consumerGroupDefaults() {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("group.consumer.session.timeout.ms", "6000");
        props.put("group.consumer.min.session.timeout.ms", "6000");
        props.put("group.consumer.heartbeat.interval.ms", "1000");
        props.put("group.consumer.min.heartbeat.interval.ms", "1000");
        return props;
    }

    /**
     * The broker side of the streams rebalance protocol (KIP-1071), which the app can use: under it
     * the broker, not the client, decides when a member is dead and how many standby replicas a group
     * gets. Kafka's defaults (a 45 s session, no standby) would leave a killed instance's tasks idle
     * for 45 s and restore them from the changelogs; these detect it in 6 s (heartbeats every second,
     * which also bring the survivors its tasks) and keep one warm copy (docs/reliability.md). The app
     * also asks its own group for its standby count.
     */
    public static Map<String, String> streamsGroupDefaults() {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("group.streams.session.timeout.ms", "6000");
        props.put("group.streams.min.session.timeout.ms", "6000");
        props.put("group.streams.heartbeat.interval.ms", "1000");
        props.put("group.streams.min.heartbeat.interval.ms", "1000");
        props.put("group.streams.num.standby.replicas", "1");
        // as group.initial.rebalance.delay.ms above: no herd of instances to wait for
        props.put("group.streams.initial.rebalance.delay.ms", "0");
        return props;
    }

    /** Refuses a setting the node derives from its identity and ports. */
    static void requireUnmanaged(final Map<String, String> brokerProperties) {
        for (final String key : brokerProperties.keySet()) {
            if (MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + " is derived from the node's id and ports; it cannot be set");
            }
        }
    }

    /**
     * A node's {@code server.properties}: broker and controller in one process on the loopback
     * address, a standalone quorum when {@code quorum} is empty, else every voter of it.
     */
    static Map<String, String> server(
            final int nodeId,
            final int port,
            final int controllerPort,
            final List<ClusterMember> quorum,
            final Path storageDir,
            final Map<String, String> brokerProperties) {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put(
                "controller.quorum.bootstrap.servers",
                quorum.isEmpty()
                        ? Loopback.ADDRESS + ":" + controllerPort
                        : quorum.stream().map(ClusterMember::controllerEndpoint).collect(Collectors.joining(",")));
        props.put(
                "listeners",
                "PLAINTEXT://" + Loopback.ADDRESS + ":" + port + ",CONTROLLER://" + Loopback.ADDRESS + ":"
                        + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + Loopback.ADDRESS + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", storageDir.toString());
        props.putAll(brokerProperties);
        return props;
    }
}
