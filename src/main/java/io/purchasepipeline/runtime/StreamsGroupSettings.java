package io.purchasepipeline.runtime;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With the streams rebalance protocol ({@code group.protocol=streams}, KIP-1071) the broker assigns
 * the tasks, so the client's {@code num.standby.replicas} is ignored: the number of standby replicas
 * is the streams group's {@code streams.num.standby.replicas} (default: the broker's
 * {@code group.streams.num.standby.replicas}, which is 0). This asks the group for what the app is
 * configured with, so that a failover still finds a warm copy of every store.
 */
public final class StreamsGroupSettings {

    /** The group config of KIP-1071 that sets the standby replicas of one streams group. */
    static final String STANDBY_REPLICAS = "streams.num.standby.replicas";

    private static final Logger LOG = LoggerFactory.getLogger(StreamsGroupSettings.class);

    private StreamsGroupSettings() {}

    /**
     * Sets the group's standby replicas to the app's {@code num.standby.replicas} when the app uses
     * the streams protocol and the group asks for another number. A broker that refuses (no
     * permission to alter group configs, a value above its {@code group.streams.max.standby.replicas})
     * is reported and left alone: the app runs, with the broker's default.
     *
     * @return the group's standby replicas afterwards, or -1 when the classic protocol is used or the
     *     broker could not be asked
     */
    public static int apply(final Admin admin, final Properties streamsProps) throws InterruptedException {
        final String protocol = streamsProps.getProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        if (!"streams".equalsIgnoreCase(protocol)) {
            return -1;
        }
        final String groupId = streamsProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        final String wanted = streamsProps.getProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        final ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        try {
            final Config current = admin.describeConfigs(List.of(group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(group);
            final ConfigEntry entry = current == null ? null : current.get(STANDBY_REPLICAS);
            if (entry != null && wanted.equals(entry.value())) {
                return Integer.parseInt(wanted);
            }
            admin.incrementalAlterConfigs(Map.of(
                            group,
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(STANDBY_REPLICAS, wanted), AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            LOG.info(
                    "Streams group {}: {} standby replica(s) of every store (was {})",
                    groupId,
                    wanted,
                    entry == null ? "the broker's default" : entry.value());
            return Integer.parseInt(wanted);
        } catch (ExecutionException | TimeoutException e) {
            final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn(
                    "Could not set {}={} on streams group {} ({}); the broker's group.streams.num.standby.replicas "
                            + "applies",
                    STANDBY_REPLICAS,
                    wanted,
                    groupId,
                    cause.toString());
            return -1;
        }
    }
}
