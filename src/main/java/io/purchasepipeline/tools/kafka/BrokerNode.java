package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 300 lines: start, stop, kill and exit reports share one process's state; files, settings, lock, probe and format
// are apart.
/**
 * One real Kafka KRaft node, broker and controller in one process, run as a child JVM of this
 * application.
 *
 * <p>Why a separate process rather than a broker inside the application's JVM: a node must be
 * stoppable and killable on its own (chaos tests {@code kill -9} it), its heap must not compete with
 * the streams application's, and Kafka's server logging must not mix with the application's. The
 * child runs from the application's own classpath, so nothing has to be installed.
 *
 * <p>The node listens on the loopback address only. Everything it owns lives in its data directory:
 * <ul>
 *   <li>{@code server.properties}, written again at every start (ports may change between starts);</li>
 *   <li>{@code log4j2.properties}, the logging configuration shipped with the application;</li>
 *   <li>{@code data/}, Kafka's {@code log.dirs}: formatted on the first start only, then reused, so
 *       topics and records survive restarts;</li>
 *   <li>{@code logs/server.log}, the node's own log (warnings and errors), and {@code logs/stdout.log},
 *       the child's standard output and error, where a JVM that cannot even start says why.</li>
 * </ul>
 * The pid of the running child is written to {@link #pidFile()} so that it can be stopped or killed
 * from outside.
 *
 * <p>Stopping the node when the application exits (a shutdown hook) is the caller's business, except
 * for a node {@linkplain Builder#ownedByThisProcess() owned by this process}, which also stops by
 * itself when this process dies without running its hooks. {@link #stop()} and {@link #kill()} may be
 * called any number of times. Instances are thread-safe.
 *
 * <p>A node only ever serves its own data on its own port: a taken port is refused before the JVM is
 * launched, and readiness requires the cluster id this data was formatted with, since every node
 * here is node 1 on 127.0.0.1 and another Kafka on the port would otherwise pass for this one.
 */
public final class BrokerNode implements AutoCloseable {

    /** Enough for a development broker; 256 MB was seen to thrash under load. */
    public static final String DEFAULT_MAX_HEAP = "512m";

    /** How long a SIGTERM'ed node gets for a controlled shutdown before it is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(BrokerNode.class);

    private static final String KAFKA_MAIN = "kafka.Kafka";
    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    private final int nodeId;
    /** 0: a free port is chosen at every start. */
    private final int configuredPort;
    /** 0: a free port is chosen at every start (single-node only; a quorum member's port is fixed). */
    private final int configuredControllerPort;

    private final NodeDirectory dir;
    private final String maxHeap;
    /** The cluster id used if the storage has to be formatted; ignored once it is. */
    private final String clusterId;
    /** Empty: a single node formatted as a standalone quorum; else every voter of the quorum, this node included. */
    private final List<ClusterMember> quorum;

    private final Map<String, String> brokerProperties;
    /** Whether the child exits when this process dies (a {@code run}'s embedded broker), or may outlive it. */
    private final boolean stopWithThisProcess;
    /** Whether a node left running on this data by a process that died is stopped to start this one. */
    private final boolean replaceOrphan;

    private volatile Runnable onUnexpectedExit = () -> {};

    private volatile Process process;
    private volatile boolean stopRequested;
    private volatile int port;
    private volatile int controllerPort;
    private volatile long startedAtNanos;

    BrokerNode(
            final int nodeId,
            final int port,
            final int controllerPort,
            final Path dataDir,
            final Path pidFile,
            final String maxHeap,
            final String clusterId,
            final List<ClusterMember> quorum,
            final Map<String, String> brokerProperties,
            final boolean stopWithThisProcess,
            final boolean replaceOrphan) {
        if (!HEAP_SIZE.matcher(maxHeap).matches()) {
            throw new IllegalArgumentException("not a heap size such as 512m: " + maxHeap);
        }
        BrokerSettings.requireUnmanaged(brokerProperties);
        this.nodeId = nodeId;
        this.configuredPort = port;
        this.configuredControllerPort = controllerPort;
        this.dir = new NodeDirectory(dataDir, pidFile);
        this.maxHeap = maxHeap;
        this.clusterId = Objects.requireNonNull(clusterId);
        this.quorum = List.copyOf(quorum);
        this.brokerProperties = Map.copyOf(brokerProperties);
        this.stopWithThisProcess = stopWithThisProcess;
        this.replaceOrphan = replaceOrphan;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * A builder of the single combined node that the application runs when it is given no Kafka:
     * node id 1, client port 9092 unless told otherwise, controller port chosen free at each start,
     * pid in {@code <dataDir>/broker.pid}.
     */
    public static Builder standalone(final Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * Starts the node: writes its configuration, formats its storage if this is its first start, and
     * launches the child JVM. Returns as soon as the process runs; see {@link #awaitReady(Duration)}.
     *
     * @throws IllegalStateException   if this node is already running, here or in another process
     *                                 (its data directory is locked)
     * @throws BrokerStartupException  if formatting the storage fails
     * @throws IOException             if the data directory cannot be written or the JVM not launched
     */
    public synchronized void start() throws IOException, InterruptedException {
        if (isRunning()) {
            throw new IllegalStateException("Kafka node " + nodeId + " is already running (pid " + process.pid() + ")");
        }
        DataLock.refuseIfRunningElsewhere(nodeId, dir, replaceOrphan, STOP_GRACE);
        Files.createDirectories(logDir());
        port = configuredPort == 0 ? Loopback.freePort() : configuredPort;
        controllerPort = configuredControllerPort == 0 ? Loopback.freePort() : configuredControllerPort;
        refuseIfTaken(port, "client");
        refuseIfTaken(controllerPort, "controller");
        final Path config = dir.writeServerProperties(
                nodeId,
                BrokerSettings.server(nodeId, port, controllerPort, quorum, dir.storageDir(), brokerProperties));
        final Path log4jConfig = dir.extractLog4jConfig();
        if (!dir.isFormatted()) {
            StorageFormat.format(nodeId, clusterId, quorum, dir, config, log4jConfig);
        }
        dir.appendToStdoutLog("starting Kafka node " + nodeId);
        final Process started = new ProcessBuilder(
                        stopWithThisProcess
                                ? ChildJvm.command(
                                        maxHeap,
                                        log4jConfig,
                                        logDir(),
                                        ParentWatch.class.getName(),
                                        List.of(
                                                Long.toString(
                                                        ProcessHandle.current().pid()),
                                                KAFKA_MAIN,
                                                config.toString()))
                                : ChildJvm.command(
                                        maxHeap, log4jConfig, logDir(), KAFKA_MAIN, List.of(config.toString())))
                .directory(dir.dataDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.stdoutLog().toFile()))
                .start();
        stopRequested = false;
        startedAtNanos = System.nanoTime();
        process = started;
        try {
            dir.writePids(started.pid());
        } catch (IOException e) {
            kill();
            throw e;
        }
        started.onExit().thenAccept(this::reportUnexpectedExit);
        LOG.debug(
                "Started Kafka node {} (pid {}) on {}, controller port {}, data in {}",
                nodeId,
                started.pid(),
                bootstrapServers(),
                controllerPort,
                dir.dataDir());
    }

    /**
     * Waits until the node serves clients: its client port accepts connections and the cluster
     * metadata it returns lists it as a live (registered and unfenced) broker.
     *
     * @throws BrokerStartupException if the node exits or is not ready within {@code timeout}; the
     *                                message ends with the tail of its logs. A node that timed out is
     *                                left running: stop it.
     * @throws IllegalStateException  if the node was not started
     */
    public void awaitReady(final Duration timeout) throws InterruptedException {
        final Process running = process;
        if (running == null) {
            throw new IllegalStateException("Kafka node " + nodeId + " was not started");
        }
        new ReadinessProbe(nodeId, port, dir).await(running, timeout);
        LOG.debug(
                "Kafka node {} ready at {} after {} ms",
                nodeId,
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos));
    }

    /**
     * Stops the node the way an operator would: SIGTERM, so that it shuts down cleanly (hands over
     * leadership, flushes its logs), then SIGKILL if it has not exited within 15 seconds. Does
     * nothing if the node is not running.
     */
    public synchronized void stop() {
        final Process running = process;
        if (running == null) {
            return;
        }
        // a node that exited by itself was reported then: only its pid file is left to clean up
        final boolean exitedByItself = !running.isAlive() && !stopRequested;
        final long stopNanos = System.nanoTime();
        requestStop();
        if (!awaitExit(running, STOP_GRACE)) {
            LOG.warn(
                    "Kafka node {} (pid {}) did not stop within {} s, killing it",
                    nodeId,
                    running.pid(),
                    STOP_GRACE.toSeconds());
            running.destroyForcibly();
            awaitExit(running, STOP_GRACE);
        }
        forget(running);
        if (!exitedByItself) {
            LOG.info(
                    "Stopped Kafka node {} in {} ms",
                    nodeId,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNanos));
        }
    }

    /**
     * Kills the node at once with SIGKILL, as a crash would: no controlled shutdown, so its partitions
     * stall until the controller fences it. For chaos tests. Does nothing if the node is not running.
     */
    public synchronized void kill() {
        final Process running = process;
        if (running == null) {
            return;
        }
        final boolean exitedByItself = !running.isAlive() && !stopRequested;
        stopRequested = true;
        running.destroyForcibly();
        awaitExit(running, STOP_GRACE);
        forget(running);
        if (!exitedByItself) {
            LOG.info("Killed Kafka node {} (pid {})", nodeId, running.pid());
        }
    }

    /** Same as {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        stop();
    }

    /** Whether the child process of this node is alive (it may not be ready yet). */
    public boolean isRunning() {
        final Process running = process;
        return running != null && running.isAlive();
    }

    /** The pid of the running child, or empty when the node is not running. */
    public OptionalLong pid() {
        final Process running = process;
        return running == null ? OptionalLong.empty() : OptionalLong.of(running.pid());
    }

    public int nodeId() {
        return nodeId;
    }

    /** The client port; when it is chosen free at each start, the port of the latest start. */
    public int port() {
        return port;
    }

    /** The controller port; when it is chosen free at each start, the port of the latest start. */
    public int controllerPort() {
        return controllerPort;
    }

    /** {@code 127.0.0.1:<port>}, the value of {@code bootstrap.servers} for this node. */
    public String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("Kafka node " + nodeId + " picks its port when started; start it first");
        }
        return Loopback.ADDRESS + ":" + port;
    }

    public Path dataDir() {
        return dir.dataDir();
    }

    public Path pidFile() {
        return dir.pidFile();
    }

    /** Where the node's log files are written. */
    public Path logDir() {
        return dir.logDir();
    }

    @Override
    public String toString() {
        return "Kafka node " + nodeId + " (port " + port + ", data in " + dir.dataDir() + ")";
    }

    /** Sends SIGTERM without waiting, so that a whole cluster can shut down in parallel. */
    synchronized void requestStop() {
        final Process running = process;
        if (running != null) {
            stopRequested = true;
            running.destroy();
        }
    }

    private void reportUnexpectedExit(final Process exited) {
        if (!stopRequested && process == exited) {
            LOG.warn(
                    "Kafka node {} (pid {}) exited unexpectedly with code {}; see its logs in {}",
                    nodeId,
                    exited.pid(),
                    exited.exitValue(),
                    logDir());
            onUnexpectedExit.run();
        }
    }

    /** Waits for the child to exit; on interrupt kills it rather than leaving an orphan behind. */
    private boolean awaitExit(final Process running, final Duration timeout) {
        try {
            return running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void forget(final Process stopped) {
        if (process == stopped) {
            process = null;
        }
        try {
            dir.deletePidFile();
        } catch (IOException e) {
            LOG.warn("Could not delete the pid file {} of Kafka node {}: {}", dir.pidFile(), nodeId, e.toString());
        }
    }

    /** Told when the node's process exits without having been asked to (a crash, a kill). */
    public void onUnexpectedExit(final Runnable listener) {
        this.onUnexpectedExit = Objects.requireNonNull(listener);
    }

    /**
     * A port someone else listens on is a clear error here, before a JVM is launched: a broker that
     * cannot bind dies, but its readiness probe might meanwhile be answered by whoever holds the port.
     */
    private void refuseIfTaken(final int candidate, final String what) throws IOException {
        if (!Loopback.isFree(candidate)) {
            throw new BrokerStartupException("Port " + candidate + " on " + Loopback.ADDRESS
                    + " is taken (another Kafka or "
                    + "program), so Kafka node " + nodeId + " of " + dir.dataDir() + " cannot use it as its " + what
                    + " port; stop that program, choose another port, or use that Kafka with --bootstrap-servers");
        }
    }

    /**
     * Settings of a {@linkplain #standalone(Path) standalone} node.
     */
    public static final class Builder {
        private final Path dataDir;
        private int port = 9092;
        private Path pidFile;
        private String maxHeap = DEFAULT_MAX_HEAP;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private boolean owned;

        private Builder(final Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir);
        }

        /** The client port; 0 picks a free one at every start. Default 9092. */
        public Builder port(final int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            this.port = port;
            return this;
        }

        /** Where the pid of the running node is written. Default {@code <dataDir>/broker.pid}. */
        public Builder pidFile(final Path pidFile) {
            this.pidFile = Objects.requireNonNull(pidFile);
            return this;
        }

        /** The node's maximum heap, as for {@code -Xmx}. Default {@value BrokerNode#DEFAULT_MAX_HEAP}. */
        public Builder maxHeap(final String maxHeap) {
            this.maxHeap = Objects.requireNonNull(maxHeap);
            return this;
        }

        /**
         * The node exits when this process does, however this process ends (the embedded broker of
         * {@code run}); and a node of the same data left running by a process that died is stopped
         * so that this one can start. Default off: a node started with {@code broker --detach}
         * outlives the command that started it.
         */
        public Builder ownedByThisProcess() {
            this.owned = true;
            return this;
        }

        /** An additional broker setting, e.g. {@code offsets.topic.num.partitions}; overrides the defaults. */
        public Builder property(final String key, final String value) {
            properties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public BrokerNode build() {
            final Map<String, String> merged = new LinkedHashMap<>(BrokerSettings.clusterDefaults(1));
            merged.putAll(properties);
            return new BrokerNode(
                    1,
                    port,
                    0,
                    dataDir,
                    pidFile != null ? pidFile : dataDir.resolve("broker.pid"),
                    maxHeap,
                    Uuid.randomUuid().toString(),
                    List.of(),
                    merged,
                    owned,
                    owned);
        }
    }
}
