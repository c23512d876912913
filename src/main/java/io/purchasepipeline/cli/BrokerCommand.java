package io.purchasepipeline.cli;

import io.purchasepipeline.tools.kafka.BrokerNode;
import io.purchasepipeline.tools.kafka.BrokerStartupException;
import io.purchasepipeline.tools.kafka.LocalCluster;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broker --node-id N}: (re)starts one node of the cluster that {@code cluster} keeps in
 * {@code <data-dir>/cluster}, typically after a failure drill killed it.
 *
 * <p>The node starts from the identity saved with the cluster (cluster id, ports, quorum), so it
 * rejoins as the same broker with its data and catches up. With {@code --detach} the command exits
 * once the node serves and leaves it running, which is what chaos scripts want; the {@code cluster}
 * command stops such a node along with the others.
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Restarts one broker of the local cluster made by `cluster` in <data-dir>/cluster,",
            "e.g. after it was killed; stays in the foreground until stopped unless --detach."
        })
final class BrokerCommand implements Callable<Integer> {

    /** The file LocalCluster saves a cluster's identity in: no such file, no cluster to restart a node of. */
    private static final String CLUSTER_IDENTITY_FILE = "cluster.properties";

    @Option(names = "--node-id", required = true, description = "The broker to start, 1..N")
    private int nodeId;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:DATA_DIR:-./data}",
            description = "The cluster lives in <data-dir>/cluster (env DATA_DIR, default ./data)")
    private Path dataDir;

    @Option(
            names = "--max-heap",
            defaultValue = BrokerNode.DEFAULT_MAX_HEAP,
            description = "Maximum heap of the broker (default ${DEFAULT-VALUE})")
    private String maxHeap;

    @Option(
            names = "--detach",
            description = "Exit once the broker serves and leave it running (its pid is in "
                    + "<data-dir>/cluster/broker-N.pid; stopping `cluster` stops it too)")
    private boolean detach;

    @Spec
    private CommandSpec spec;

    /** Set by the shutdown hook: the node then exits because it was told to, not on its own. */
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        final Path dir = ClusterCommand.clusterDir(dataDir).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(CLUSTER_IDENTITY_FILE))) {
            throw new IllegalStateException(
                    "no Kafka cluster in " + dir + ": create one with the cluster command first");
        }
        final LocalCluster cluster = LocalCluster.builder(dir).maxHeap(maxHeap).open();
        if (nodeId < 1 || nodeId > cluster.size()) {
            throw new IllegalArgumentException(
                    "no node " + nodeId + " in the Kafka cluster in " + dir + ": its nodes are 1.." + cluster.size());
        }
        final BrokerNode node = cluster.node(nodeId);
        if (!detach) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                stopping = true;
                                node.stop();
                            },
                            "broker-shutdown"));
        }
        final long startNanos = System.nanoTime();
        node.start();
        try {
            node.awaitReady(ClusterCommand.READY_TIMEOUT);
        } catch (BrokerStartupException | InterruptedException e) {
            // a node that timed out is left running by awaitReady: nothing half-started stays behind
            node.stop();
            if (stopping) {
                return 0;
            }
            throw e;
        }
        final long pid = node.pid().orElseThrow();
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Kafka node %d ready at %s in %.1f s (pid %d, data in %s)%n",
                nodeId, node.bootstrapServers(), (System.nanoTime() - startNanos) / 1e9, pid, node.dataDir());
        if (detach) {
            out.printf("Left running; its pid is in %s, and stopping `cluster` stops it%n", node.pidFile());
            return 0;
        }
        ProcessHandle.of(pid).ifPresent(process -> process.onExit().join());
        if (stopping) {
            return 0;
        }
        node.stop();
        throw new IllegalStateException("Kafka node " + nodeId + " (pid " + pid + ") exited: stopped by the "
                + "cluster command, killed or crashed; its logs are in " + node.logDir());
    }
}
