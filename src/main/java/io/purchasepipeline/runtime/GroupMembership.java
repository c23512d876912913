package io.purchasepipeline.runtime;

import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * How an instance is a member of the streams app's consumer group.
 *
 * <p>Static (KIP-345) when it is given a stable instance id: the group knows it by that id, Kafka
 * Streams makes it {@code <id>-<thread>} per stream thread, and a member that comes back within the
 * session timeout gets its tasks back without any rebalance. Dynamic otherwise, as before: every
 * start is a new member, so a restart moves its tasks away and back. Two instances given the same id
 * would fence each other, which is why no default (such as "1") is ever made static.
 */
public record GroupMembership(String instanceId, String name) {

    /** Becomes a path segment and a {@code group.instance.id}: nothing that needs quoting in either. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /**
     * @param instanceId the {@code --instance-id}, or null
     * @param hostName   the host's name (containers set {@code HOSTNAME}), or null: only names the state directory
     */
    public static GroupMembership of(final String instanceId, final String hostName) {
        if (instanceId != null && !instanceId.isBlank()) {
            if (!ID.matcher(instanceId).matches()) {
                throw new IllegalArgumentException("--instance-id must be 1 to 100 letters, digits or ._- "
                        + "(starting with a letter or digit): " + instanceId);
            }
            return new GroupMembership(instanceId, instanceId);
        }
        final String name = hostName != null && ID.matcher(hostName).matches() ? hostName : "1";
        return new GroupMembership(null, name);
    }

    boolean isStatic() {
        return instanceId != null;
    }

    /** What the streams settings get: the instance id, or nothing. */
    public Map<String, String> streamsSettings() {
        return isStatic() ? Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId) : Map.of();
    }

    public String describe() {
        return isStatic()
                ? "static, as " + instanceId + " (a restart within the session timeout keeps this instance's tasks)"
                : "dynamic (no --instance-id: a restart moves this instance's tasks away and back; give each "
                        + "instance a stable --instance-id for static membership)";
    }
}
