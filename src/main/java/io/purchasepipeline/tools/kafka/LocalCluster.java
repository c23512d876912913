package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local multi-node KRaft cluster: N combined broker+controller nodes, each its own process, all on
 * the loopback address, as in a classic multi-broker development setup.
 *
 * <p>Each node being a process of its own is the point: one can be stopped, killed ({@code kill -9})
 * and restarted while the others keep serving, which is what failure drills and chaos tests need.
 * With three or more nodes, topics get replication factor 3 and {@code min.insync.replicas=2}
 * by default, so losing one node loses no acknowledged record.
 *
 * <p>Directory layout: {@code cluster.properties} (the cluster's identity, see {@link ClusterLayout}),
 * {@code broker-N/} (the data directory of node N, see {@link BrokerNode}) and {@code broker-N.pid}.
 * The identity is kept across runs, so the same directory can be started again with its data, and a
 * single node restarted from another process with {@code LocalCluster.builder(dir).open().node(n)}.
 *
 * <p>Stopping the nodes when the application exits is the caller's business ({@link #stopAll()} or
 * {@link #close()}, e.g. from a shutdown hook); both may be called any number of times.
 */
public final class LocalCluster implements AutoCloseable {

    /** Client ports default to 9091..909N, as in the classic multi-broker setup. */
    public static final int DEFAULT_FIRST_PORT = 9091;
    /** Controller ports default to 19091..1909N. */
    public static final int DEFAULT_FIRST_CONTROLLER_PORT = 19091;

    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

    private final Path dir;
    private final String clusterId;
    private final List<BrokerNode> nodes;

    private LocalCluster(
            final Path dir, final ClusterLayout layout, final String maxHeap, final Map<String, String> properties) {
        this.dir = dir;
        this.clusterId = layout.clusterId();
        final Map<String, String> merged = new LinkedHashMap<>(
                BrokerSettings.clusterDefaults(layout.members().size()));
        merged.putAll(properties);
        this.nodes = layout.members().stream()
                .map(member -> new BrokerNode(
                        member.nodeId(),
                        member.port(),
                        member.controllerPort(),
                        dir.resolve("broker-" + member.nodeId()),
                        dir.resolve("broker-" + member.nodeId() + ".pid"),
                        maxHeap,
                        layout.clusterId(),
                        layout.members(),
                        merged,
                        false, // may outlive this process: the cluster command stops its nodes
                        false)) // a node left running on this data by a dead process is refused, not replaced
                .toList();
    }

    /** A builder of the cluster kept in {@code dir}. */
    public static Builder builder(final Path dir) {
        return new Builder(dir);
    }

    /**
     * Starts every node (formatting those started for the first time). Returns once all processes
     * run; see {@link #awaitReady(Duration)}. The nodes start in parallel: each first start runs a
     * storage format in a JVM of its own, and one after the other these took most of the startup
     * time. If a node fails to start, the others keep running: stop them with {@link #stopAll()}.
     */
    public void startAll() throws IOException, InterruptedException {
        final ExecutorService starters = Executors.newFixedThreadPool(nodes.size());
        try {
            final List<Future<Void>> started = new ArrayList<>();
            for (final BrokerNode node : nodes) {
                started.add(starters.submit(() -> {
                    node.start();
                    return null;
                }));
            }
            Throwable failure = null;
            for (final Future<Void> result : started) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                }
            }
            if (failure instanceof IOException io) {
                throw io;
            } else if (failure instanceof InterruptedException interrupted) {
                throw interrupted;
            } else if (failure instanceof RuntimeException runtime) {
                throw runtime;
            } else if (failure instanceof Error error) {
                throw error;
            }
        } finally {
            starters.shutdownNow();
        }
    }

    /**
     * Waits until every node serves as a live broker.
     *
     * @throws BrokerStartupException if a node exits or the cluster is not ready within {@code timeout}
     */
    public void awaitReady(final Duration timeout) throws InterruptedException {
        final long startNanos = System.nanoTime();
        final long deadline = startNanos + timeout.toNanos();
        for (final BrokerNode node : nodes) {
            node.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        LOG.info(
                "Kafka cluster of {} nodes ready at {} ({} ms of waiting)",
                nodes.size(),
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** The {@code bootstrap.servers} value listing every node. */
    public String bootstrapServers() {
        return nodes.stream().map(BrokerNode::bootstrapServers).collect(Collectors.joining(","));
    }

    /**
     * Stops every running node: all are sent SIGTERM at once, then each gets up to 15 s before it is
     * killed. Shutting down in parallel keeps the last nodes from waiting on a quorum that is already
     * gone.
     */
    public void stopAll() {
        nodes.forEach(BrokerNode::requestStop);
        nodes.forEach(BrokerNode::stop);
    }

    /** Same as {@link #stopAll()}, for try-with-resources. */
    @Override
    public void close() {
        stopAll();
    }

    /** Stops one node cleanly; see {@link BrokerNode#stop()}. */
    public void stop(final int nodeId) {
        node(nodeId).stop();
    }

    /** Kills one node with SIGKILL, as a crash would; see {@link BrokerNode#kill()}. */
    public void kill(final int nodeId) {
        node(nodeId).kill();
    }

    /** Stops one node if it runs, starts it again on its data and waits until it serves. */
    public void restart(final int nodeId, final Duration timeout) throws IOException, InterruptedException {
        final BrokerNode node = node(nodeId);
        node.stop();
        node.start();
        node.awaitReady(timeout);
    }

    /** The node with this id (1..N). */
    public BrokerNode node(final int nodeId) {
        if (nodeId < 1 || nodeId > nodes.size()) {
            throw new IllegalArgumentException("no node " + nodeId + " in this cluster of " + nodes.size() + " nodes");
        }
        return nodes.get(nodeId - 1);
    }

    /** The nodes, ordered by node id. */
    public List<BrokerNode> nodes() {
        return nodes;
    }

    public int size() {
        return nodes.size();
    }

    public String clusterId() {
        return clusterId;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Settings of a local cluster. The number of nodes and their ports are fixed when the cluster is
     * first created in its directory; heap and broker properties apply to each run.
     */
    public static final class Builder {
        private final Path dir;
        private Integer brokers;
        private List<Integer> ports;
        private List<Integer> controllerPorts;
        private String maxHeap = BrokerNode.DEFAULT_MAX_HEAP;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(final Path dir) {
            this.dir = dir.toAbsolutePath().normalize();
        }

        /** The number of nodes; required unless the cluster already exists in the directory. */
        public Builder brokers(final int brokers) {
            if (brokers < 1) {
                throw new IllegalArgumentException("a cluster needs at least one node, not " + brokers);
            }
            this.brokers = brokers;
            return this;
        }

        /**
         * Client and controller ports of nodes 1..N, in order. Default 9091.. and 19091...
         * A cluster that already exists must be given the ports it was created with, or none.
         */
        public Builder ports(final List<Integer> ports, final List<Integer> controllerPorts) {
            if (ports.size() != controllerPorts.size()) {
                throw new IllegalArgumentException(
                        "need as many controller ports as client ports: " + ports + " vs " + controllerPorts);
            }
            this.ports = List.copyOf(ports);
            this.controllerPorts = List.copyOf(controllerPorts);
            return this;
        }

        /** Each node's maximum heap, as for {@code -Xmx}. Default {@value BrokerNode#DEFAULT_MAX_HEAP}. */
        public Builder maxHeap(final String maxHeap) {
            this.maxHeap = Objects.requireNonNull(maxHeap);
            return this;
        }

        /** An additional broker setting for every node; overrides the cluster defaults. */
        public Builder property(final String key, final String value) {
            properties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /**
         * The cluster kept in the directory, created (identity saved, nothing started) if there is none.
         *
         * @throws IllegalStateException if the directory holds a cluster of another size or other ports,
         *                               or holds none and no size was given
         */
        public LocalCluster open() throws IOException {
            final ClusterLayout layout = ClusterLayout.load(dir).orElse(null);
            if (layout != null) {
                checkMatches(layout);
                LOG.info(
                        "Reusing the Kafka cluster {} of {} nodes in {}",
                        layout.clusterId(),
                        layout.members().size(),
                        dir);
                return new LocalCluster(dir, layout, maxHeap, properties);
            }
            if (brokers == null && ports == null) {
                throw new IllegalStateException("no Kafka cluster in " + dir + " yet: say how many nodes to create");
            }
            final int size = brokers != null ? brokers : ports.size();
            if (ports != null && ports.size() != size) {
                throw new IllegalArgumentException(size + " nodes need " + size + " ports, not " + ports);
            }
            final ClusterLayout created = ClusterLayout.create(
                    ports != null ? ports : consecutive(DEFAULT_FIRST_PORT, size),
                    controllerPorts != null ? controllerPorts : consecutive(DEFAULT_FIRST_CONTROLLER_PORT, size));
            created.save(dir);
            LOG.info("Created the Kafka cluster {} of {} nodes in {}", created.clusterId(), size, dir);
            return new LocalCluster(dir, created, maxHeap, properties);
        }

        private void checkMatches(final ClusterLayout layout) {
            final List<String> conflicts = new ArrayList<>();
            if (brokers != null && brokers != layout.members().size()) {
                conflicts.add(layout.members().size() + " nodes, not " + brokers);
            }
            if (ports != null && !(ports.equals(layout.ports()) && controllerPorts.equals(layout.controllerPorts()))) {
                conflicts.add("client ports " + layout.ports() + " and controller ports " + layout.controllerPorts());
            }
            if (!conflicts.isEmpty()) {
                throw new IllegalStateException("the Kafka cluster in " + dir + " was created with "
                        + String.join(" and ", conflicts) + "; use those, or delete the directory to start afresh");
            }
        }

        private static List<Integer> consecutive(final int first, final int count) {
            return IntStream.range(first, first + count).boxed().toList();
        }
    }
}
