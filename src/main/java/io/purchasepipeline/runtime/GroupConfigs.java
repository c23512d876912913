package io.purchasepipeline.runtime;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a group's own configs (KIP-848's {@code consumer.*}, KIP-1071's {@code streams.*}): under the
 * broker-side rebalance protocols the broker, not the client, decides how soon a member is dead and
 * how often it heartbeats, so an app that wants its own values asks its group for them. A value the
 * broker refuses (no permission to alter group configs, outside its {@code group.<kind>.min/max.*}
 * bounds) is reported once and left alone: the broker's default applies to it.
 */
public final class GroupConfigs {

    private static final Logger LOG = LoggerFactory.getLogger(GroupConfigs.class);

    private GroupConfigs() {}

    /**
     * What became of the configs asked for.
     *
     * @param described whether the group's configs could be read at all
     * @param refused the keys the broker did not take
     */
    public record Outcome(boolean described, Set<String> refused) {

        public boolean took(final String key) {
            return described && !refused.contains(key);
        }
    }

    /**
     * Sets each of {@code wanted} on the group that does not have it yet, in the order given (a
     * heartbeat before a session timeout: a longer session with the old, shorter heartbeat is always
     * valid).
     *
     * @param kind {@code consumer} or {@code streams}: the broker settings named in the log
     */
    public static Outcome apply(
            final Admin admin, final String groupId, final Map<String, String> wanted, final String kind)
            throws InterruptedException {
        final ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        final Config current;
        try {
            current = admin.describeConfigs(List.of(group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(group);
        } catch (ExecutionException | TimeoutException e) {
            warn(kind, groupId, wanted.toString(), e);
            return new Outcome(false, Set.copyOf(wanted.keySet()));
        }
        final Set<String> refused = new LinkedHashSet<>();
        for (final Map.Entry<String, String> setting : wanted.entrySet()) {
            final ConfigEntry entry = current == null ? null : current.get(setting.getKey());
            if (entry != null && setting.getValue().equals(entry.value())) {
                continue;
            }
            try {
                admin.incrementalAlterConfigs(Map.of(
                                group,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry(setting.getKey(), setting.getValue()),
                                        AlterConfigOp.OpType.SET))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                LOG.info(
                        "{} group {}: {}={} (was {})",
                        kind.substring(0, 1).toUpperCase(Locale.ROOT) + kind.substring(1),
                        groupId,
                        setting.getKey(),
                        setting.getValue(),
                        entry == null ? "the broker's default" : entry.value());
            } catch (ExecutionException | TimeoutException e) {
                warn(kind, groupId, setting.getKey() + "=" + setting.getValue(), e);
                refused.add(setting.getKey());
            }
        }
        return new Outcome(true, Set.copyOf(refused));
    }

    private static void warn(final String kind, final String groupId, final String settings, final Exception e) {
        final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        LOG.warn(
                "Could not set {} on {} group {} ({}); the broker's group.{}.* settings apply",
                settings,
                kind,
                groupId,
                cause.toString(),
                kind);
    }
}
