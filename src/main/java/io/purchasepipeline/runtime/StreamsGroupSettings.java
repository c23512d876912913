package io.purchasepipeline.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * With the streams rebalance protocol ({@code group.protocol=streams}, KIP-1071) the broker assigns
 * the tasks and decides when a member is dead, so the client's {@code num.standby.replicas} and its
 * main consumer's session timeout and heartbeat interval are ignored: the streams group's configs
 * decide (default: the broker's {@code group.streams.*}, a 45 s session and no standby on a stock
 * broker). This asks the group for what the app is configured with, so that the app's settings
 * mean the same under either protocol: a failover still finds a warm copy of every store, and a
 * failed instance is found as soon as the app says (a static member given 30 s to come back gets
 * them).
 */
public final class StreamsGroupSettings {

    /** The group config of KIP-1071 that sets the standby replicas of one streams group. */
    static final String STANDBY_REPLICAS = "streams.num.standby.replicas";
    /** The group configs of KIP-1071 for how soon a member that stopped heartbeating is dead. */
    static final String SESSION_TIMEOUT = "streams.session.timeout.ms";

    static final String HEARTBEAT_INTERVAL = "streams.heartbeat.interval.ms";

    private StreamsGroupSettings() {}

    /**
     * Sets the group's standby replicas to the app's {@code num.standby.replicas}, and its session
     * timeout and heartbeat interval to the app's main consumer's when it has them, when the app uses
     * the streams protocol and the group has other values. A broker that refuses one (no permission
     * to alter group configs, a value outside its {@code group.streams.min/max.*} bounds) is reported
     * and that one left alone: the app runs, with the broker's default for it.
     *
     * @return the group's standby replicas afterwards, or -1 when the classic protocol is used or the
     *     broker could not be asked or refused
     */
    public static int apply(final Admin admin, final Properties streamsProps) throws InterruptedException {
        final String protocol = streamsProps.getProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        if (!"streams".equalsIgnoreCase(protocol)) {
            return -1;
        }
        final String groupId = streamsProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        final Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(STANDBY_REPLICAS, streamsProps.getProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0"));
        // the heartbeat first (GroupConfigs.apply)
        wanted.put(
                HEARTBEAT_INTERVAL,
                streamsProps.getProperty(
                        StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)));
        wanted.put(
                SESSION_TIMEOUT,
                streamsProps.getProperty(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        wanted.values().removeIf(value -> value == null);
        final GroupConfigs.Outcome outcome = GroupConfigs.apply(admin, groupId, wanted, "streams");
        return outcome.took(STANDBY_REPLICAS) ? Integer.parseInt(wanted.get(STANDBY_REPLICAS)) : -1;
    }
}
