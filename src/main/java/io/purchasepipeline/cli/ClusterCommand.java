package io.purchasepipeline.cli;

import io.purchasepipeline.tools.kafka.BrokerNode;
import io.purchasepipeline.tools.kafka.LocalCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cluster}: a local multi-broker KRaft cluster, one process per broker, in the foreground until
 * stopped.
 *
 * <p>Each broker is a process of its own so that a failure drill can {@code kill -9} one and bring it
 * back with {@code broker --node-id N} while the others keep serving. A node brought back that way is a
 * child of that other command, not of this one, yet it still belongs to this cluster: stopping the
 * cluster finds it through its pid file and stops it too, so that no broker outlives the cluster.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a local multi-broker Kafka cluster (KRaft, each broker its own process) until stopped.",
            "Broker N listens on 127.0.0.1:<first-port + N - 1>; its pid is in <data-dir>/cluster/broker-N.pid.",
            "Topics get replication factor 3 and min.insync.replicas=2 with three brokers or more."
        })
final class ClusterCommand implements Callable<Integer> {

    /** A node took ~13 s to serve on a busy two-core machine; the first start also formats the storage. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCommand.class);

    /** How long a node restarted by another command gets to shut down cleanly, as BrokerNode gives its own. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    /** The main class every Kafka broker process runs. */
    private static final String KAFKA_MAIN = "kafka.Kafka";

    @Option(
            names = "--brokers",
            defaultValue = "3",
            description = "Number of brokers, each its own process (default ${DEFAULT-VALUE}); "
                    + "an existing cluster must be given the number it was created with")
    private int brokers;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:DATA_DIR:-./data}",
            description = "The cluster lives in <data-dir>/cluster (env DATA_DIR, default ./data)")
    private Path dataDir;

    @Option(
            names = "--max-heap",
            defaultValue = BrokerNode.DEFAULT_MAX_HEAP,
            description = "Maximum heap of each broker (default ${DEFAULT-VALUE})")
    private String maxHeap;

    @Option(
            names = "--first-port",
            defaultValue = "" + LocalCluster.DEFAULT_FIRST_PORT,
            description = "Client port of broker 1; broker N gets the next ones (default ${DEFAULT-VALUE})")
    private int firstPort;

    @Option(
            names = "--first-controller-port",
            defaultValue = "" + LocalCluster.DEFAULT_FIRST_CONTROLLER_PORT,
            description = "Controller port of broker 1; broker N gets the next ones (default ${DEFAULT-VALUE})")
    private int firstControllerPort;

    @Spec
    private CommandSpec spec;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CompletableFuture<String> serving = new CompletableFuture<>();
    /**
     * Held while the nodes are launched and while they are stopped: a Ctrl-C during startup then waits
     * for the launches to finish and stops every node, instead of racing a launch and leaving a broker
     * running after this process is gone.
     */
    private final Object lifecycle = new Object();

    private boolean launched;
    private boolean stopped;

    /** The directory of the cluster of a data directory, where {@code broker --node-id N} finds it too. */
    static Path clusterDir(final Path dataDir) {
        return dataDir.resolve("cluster");
    }

    @Override
    public Integer call() throws Exception {
        try {
            return runUntilStopped();
        } catch (Exception e) {
            serving.completeExceptionally(e);
            throw e;
        } finally {
            // a no-op once completed: tells a waiting caller that the cluster was stopped before it served
            serving.cancel(false);
        }
    }

    /**
     * Completes with the bootstrap servers once every broker serves, or exceptionally if the cluster
     * could not start: for callers that run this command in a thread of their own, such as tests.
     */
    CompletableFuture<String> serving() {
        return serving;
    }

    /** Stops the cluster as Ctrl-C would, but lets {@link #call()} return instead of the JVM exiting. */
    void requestStop() {
        stopRequested.countDown();
    }

    private int runUntilStopped() throws Exception {
        checkOptions();
        final LocalCluster cluster = LocalCluster.builder(clusterDir(dataDir))
                .brokers(brokers)
                .ports(consecutive(firstPort), consecutive(firstControllerPort))
                .maxHeap(maxHeap)
                .open();
        final Thread hook = new Thread(() -> stop(cluster), "cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            final long startNanos = System.nanoTime();
            synchronized (lifecycle) {
                if (stopped) {
                    return 0;
                }
                cluster.startAll();
                launched = true;
            }
            cluster.awaitReady(READY_TIMEOUT);
            printReady(cluster, (System.nanoTime() - startNanos) / 1e9);
            serving.complete(cluster.bootstrapServers());
            stopRequested.await();
            return 0;
        } catch (Exception e) {
            if (isStopped()) {
                // stopped (Ctrl-C) while starting: the nodes exited because they were told to
                LOG.debug("Kafka cluster stopped while starting", e);
                return 0;
            }
            throw e;
        } finally {
            stop(cluster);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook has run or is running
            }
        }
    }

    private void checkOptions() {
        if (brokers < 1) {
            throw new ParameterException(spec.commandLine(), "--brokers must be at least 1, not " + brokers);
        }
        for (final int first : List.of(firstPort, firstControllerPort)) {
            if (first < 1 || first + brokers - 1 > 65535) {
                throw new ParameterException(
                        spec.commandLine(),
                        "ports " + first + ".." + (first + brokers - 1) + " are not all valid ports");
            }
        }
        if (Math.abs(firstPort - firstControllerPort) < brokers) {
            throw new ParameterException(
                    spec.commandLine(),
                    "client ports from " + firstPort + " and controller ports from " + firstControllerPort
                            + " overlap for " + brokers + " brokers");
        }
    }

    private List<Integer> consecutive(final int first) {
        return IntStream.range(first, first + brokers).boxed().toList();
    }

    private void printReady(final LocalCluster cluster, final double seconds) {
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Kafka cluster of %d brokers ready in %.1f s (data in %s)%n", cluster.size(), seconds, cluster.dir());
        for (final BrokerNode node : cluster.nodes()) {
            out.printf(
                    "  node %d: %s, pid %d%n",
                    node.nodeId(), node.bootstrapServers(), node.pid().orElseThrow());
        }
        out.printf("Bootstrap servers: %s%n", cluster.bootstrapServers());
        out.println("Ctrl-C stops every broker; `broker --node-id N` restarts one that was killed.");
    }

    private boolean isStopped() {
        synchronized (lifecycle) {
            return stopped;
        }
    }

    /**
     * Stops every node of this run, those restarted meanwhile by another command included. All are
     * asked at once, so that the last ones do not wait for a quorum that is already gone.
     */
    private void stop(final LocalCluster cluster) {
        synchronized (lifecycle) {
            if (stopped) {
                return;
            }
            stopped = true;
            final long startNanos = System.nanoTime();
            // Only once this run has launched every node is a process running one of them in its stead a
            // restart of ours; before, it is someone else's (say, left over from an earlier run).
            // And before stopAll: stopping a node whose own process died deletes its pid file, which by
            // now may name the process that replaced it.
            final List<RestartedNode> restarted = launched ? restartedElsewhere(cluster) : List.of();
            restarted.forEach(node -> node.process().destroy());
            cluster.stopAll();
            restarted.forEach(RestartedNode::awaitExit);
            if (launched) {
                spec.commandLine()
                        .getOut()
                        .printf("Stopped the Kafka cluster in %.1f s%n", (System.nanoTime() - startNanos) / 1e9);
            }
        }
    }

    /** The nodes whose process this command started has died and that another process runs now. */
    private static List<RestartedNode> restartedElsewhere(final LocalCluster cluster) {
        final List<RestartedNode> found = new ArrayList<>();
        for (final BrokerNode node : cluster.nodes()) {
            if (!node.isRunning()) {
                kafkaProcessOf(node).ifPresent(process -> found.add(new RestartedNode(node.nodeId(), process)));
            }
        }
        return found;
    }

    /**
     * The live process named by the node's pid file, if it runs Kafka on this very node's configuration.
     * The pid alone proves nothing: the file may be left over from a crash and the pid reused since by an
     * unrelated program, which must not be signalled.
     */
    private static Optional<ProcessHandle> kafkaProcessOf(final BrokerNode node) {
        final long pid;
        try {
            pid = Long.parseLong(Files.readString(node.pidFile()).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Cannot read the pid file {} of Kafka node {}: {}", node.pidFile(), node.nodeId(), e.toString());
            return Optional.empty();
        }
        final Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return Optional.empty();
        }
        final String config = node.dataDir().resolve("server.properties").toString();
        final Optional<List<String>> arguments = commandLineOf(process.get());
        if (arguments.isPresent()
                && arguments.get().contains(KAFKA_MAIN)
                && arguments.get().contains(config)) {
            return process;
        }
        LOG.warn(
                "The pid file {} names process {}, which {}: leaving it alone",
                node.pidFile(),
                pid,
                arguments.isPresent() ? "is not Kafka node " + node.nodeId() : "cannot be inspected");
        return Optional.empty();
    }

    /**
     * The program and arguments of a process. On Linux, {@link ProcessHandle.Info#arguments()} reads only
     * the first 4 KiB of the command line and answers nothing when it is longer, as a broker's classpath
     * makes it: there the whole line is read from {@code /proc} instead.
     */
    private static Optional<List<String>> commandLineOf(final ProcessHandle process) {
        final Path procCommandLine = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        if (!Files.isReadable(procCommandLine)) {
            return process.info().arguments().map(List::of);
        }
        try {
            // the arguments, each ended by a NUL character
            return Optional.of(List.of(
                    Files.readString(procCommandLine, StandardCharsets.UTF_8).split("\0")));
        } catch (IOException e) {
            // it exited meanwhile, or is not ours to inspect
            return Optional.empty();
        }
    }

    /** A node of this cluster run by a process that this command did not start. */
    private record RestartedNode(int nodeId, ProcessHandle process) {

        /** Waits for the node to exit after SIGTERM, as BrokerNode does for its own; kills it if it hangs. */
        void awaitExit() {
            try {
                process.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Stopped Kafka node {} (pid {}), which another command had restarted", nodeId, process.pid());
            } catch (TimeoutException | ExecutionException e) {
                LOG.warn(
                        "Kafka node {} (pid {}) did not stop within {} s, killing it",
                        nodeId,
                        process.pid(),
                        STOP_GRACE.toSeconds());
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
