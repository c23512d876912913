package io.purchasepipeline.tools.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Whether a started node serves clients: its client port accepts connections and the cluster
 * metadata it returns lists it as a live (registered and unfenced) broker of the cluster its data
 * was formatted for.
 */
record ReadinessProbe(int nodeId, int port, NodeDirectory dir) {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    /** Upper bound of one probe, so that a dead or hung node is noticed quickly. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /** Returns once the node is ready; throws when {@code running} exits or {@code timeout} passes first. */
    void await(final Process running, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        // Connecting an admin client to a closed port makes it log a warning per retry: wait for the port first.
        while (!Loopback.acceptsConnections(port, POLL_INTERVAL)) {
            checkProgress(running, deadline, timeout, "did not open its client port " + port);
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        final Properties adminConfig = new Properties();
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Loopback.ADDRESS + ":" + port);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "readiness-probe-node-" + nodeId);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(adminConfig)) {
            String lastProblem = "no answer yet";
            while (true) {
                checkProgress(running, deadline, timeout, "was not ready (" + lastProblem + ")");
                final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                try {
                    final var cluster = admin.describeCluster(new DescribeClusterOptions()
                            .timeoutMs((int) Math.max(1, Math.min(remainingMs, PROBE_TIMEOUT.toMillis()))));
                    final Collection<Node> live = cluster.nodes().get();
                    // every node these classes start is node 1 on 127.0.0.1: only the cluster id this data
                    // directory was formatted with tells our broker from another one answering on the port
                    final String answering = cluster.clusterId().get();
                    final String formatted = dir.formattedClusterId();
                    if (!answering.equals(formatted)) {
                        throw new BrokerStartupException("Port " + port + " is answered by another Kafka (cluster id "
                                + answering + "), not by Kafka node " + nodeId + " of " + dir.dataDir()
                                + " (cluster id "
                                + formatted + "); that Kafka is left alone");
                    }
                    if (live.stream().anyMatch(node -> node.id() == nodeId && node.port() == port)) {
                        return;
                    }
                    lastProblem = "not yet among the live brokers " + live;
                } catch (ExecutionException e) {
                    lastProblem = String.valueOf(e.getCause());
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        }
    }

    private void checkProgress(final Process running, final long deadline, final Duration timeout, final String what) {
        if (!running.isAlive()) {
            throw dir.failure(nodeId, "exited with code " + running.exitValue() + " before it was ready");
        }
        if (System.nanoTime() - deadline >= 0) {
            throw dir.failure(nodeId, what + " within " + timeout.toMillis() / 1000.0 + " s");
        }
    }
}
