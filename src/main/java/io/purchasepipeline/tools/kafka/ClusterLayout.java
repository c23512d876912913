package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The identity of a local multi-node cluster, saved in its directory as {@code cluster.properties}.
 *
 * <p>A KRaft quorum cannot change its cluster id, its voters' directory ids or their controller
 * endpoints by simply restarting with other values: a node restarted later (by {@code broker
 * --node-id N}, by a chaos test, or by the next {@code cluster} run) must be given exactly what it
 * was formatted with. So the layout is written once, before any node is formatted, and only read
 * afterwards.
 *
 * @param clusterId the cluster id every node is formatted with
 * @param members   the nodes, ordered by node id 1..N
 */
record ClusterLayout(String clusterId, List<ClusterMember> members) {

    static final String FILE_NAME = "cluster.properties";

    ClusterLayout {
        members = List.copyOf(members);
    }

    /** A new cluster with a random cluster id and one random directory id per node; port lists of equal size. */
    static ClusterLayout create(final List<Integer> ports, final List<Integer> controllerPorts) {
        final List<ClusterMember> members = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            members.add(new ClusterMember(i + 1, ports.get(i), controllerPorts.get(i), Uuid.randomUuid()));
        }
        return new ClusterLayout(Uuid.randomUuid().toString(), members);
    }

    /** The layout saved in {@code dir}, or empty when no cluster was created there yet. */
    static Optional<ClusterLayout> load(final Path dir) throws IOException {
        final Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        final Properties saved = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            saved.load(in);
        }
        try {
            final int size = Integer.parseInt(required(saved, "brokers", file));
            final List<ClusterMember> members = new ArrayList<>();
            for (int id = 1; id <= size; id++) {
                members.add(new ClusterMember(
                        id,
                        Integer.parseInt(required(saved, "broker." + id + ".port", file)),
                        Integer.parseInt(required(saved, "broker." + id + ".controller.port", file)),
                        Uuid.fromString(required(saved, "broker." + id + ".directory.id", file))));
            }
            return Optional.of(new ClusterLayout(required(saved, "cluster.id", file), members));
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable cluster layout " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the layout to {@code dir} atomically, so a crash never leaves half a layout behind. */
    void save(final Path dir) throws IOException {
        final Properties out = new Properties();
        out.setProperty("cluster.id", clusterId);
        out.setProperty("brokers", Integer.toString(members.size()));
        for (final ClusterMember m : members) {
            out.setProperty("broker." + m.nodeId() + ".port", Integer.toString(m.port()));
            out.setProperty("broker." + m.nodeId() + ".controller.port", Integer.toString(m.controllerPort()));
            out.setProperty(
                    "broker." + m.nodeId() + ".directory.id", m.directoryId().toString());
        }
        Files.createDirectories(dir);
        final Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.store(w, "Identity of this local Kafka cluster: do not edit, every node was formatted with it");
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    List<Integer> ports() {
        return members.stream().map(ClusterMember::port).toList();
    }

    List<Integer> controllerPorts() {
        return members.stream().map(ClusterMember::controllerPort).toList();
    }

    private static String required(final Properties saved, final String key, final Path file) {
        final String value = saved.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing '" + key + "' in " + file);
        }
        return value.trim();
    }
}
