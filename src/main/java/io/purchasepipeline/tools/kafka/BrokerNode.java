package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /** The only address a node binds to and advertises: these nodes are for one machine. */
    static final String LOOPBACK = "127.0.0.1";

    /** Enough for a development broker; 256 MB was seen to thrash under load. */
    public static final String DEFAULT_MAX_HEAP = "512m";

    /** How long a SIGTERM'ed node gets for a controlled shutdown before it is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(BrokerNode.class);

    private static final String KAFKA_MAIN = "kafka.Kafka";
    private static final String STORAGE_TOOL_MAIN = "kafka.tools.StorageTool";
    private static final String STORAGE_TOOL_HEAP = "256m";
    /** A format is a few seconds of work; on a loaded two-core machine it was seen to take ten. */
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
    private static final String LOG4J_RESOURCE = "/broker-log4j2.properties";
    private static final int LOG_TAIL_LINES = 30;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    /** Upper bound of one readiness probe, so that a dead or hung node is noticed quickly. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more)");

    /** Keys this class derives from the node's identity and ports: overriding them would break it. */
    private static final Set<String> MANAGED_KEYS = Set.of(
            "process.roles", "node.id", "listeners", "advertised.listeners", "controller.listener.names",
            "inter.broker.listener.name", "listener.security.protocol.map", "controller.quorum.bootstrap.servers",
            "controller.quorum.voters", "log.dirs", "log.dir", "metadata.log.dir");

    private final int nodeId;
    /** 0: a free port is chosen at every start. */
    private final int configuredPort;
    /** 0: a free port is chosen at every start (single-node only; a quorum member's port is fixed). */
    private final int configuredControllerPort;
    private final Path dataDir;
    private final Path pidFile;
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
    private volatile Runnable onUnexpectedExit = () -> { };

    private volatile Process process;
    private volatile boolean stopRequested;
    private volatile int port;
    private volatile int controllerPort;
    private volatile long startedAtNanos;

    BrokerNode(final int nodeId, final int port, final int controllerPort, final Path dataDir, final Path pidFile,
               final String maxHeap, final String clusterId, final List<ClusterMember> quorum,
               final Map<String, String> brokerProperties) {
        this(nodeId, port, controllerPort, dataDir, pidFile, maxHeap, clusterId, quorum, brokerProperties, false, false);
    }

    private BrokerNode(final int nodeId, final int port, final int controllerPort, final Path dataDir, final Path pidFile,
               final String maxHeap, final String clusterId, final List<ClusterMember> quorum,
               final Map<String, String> brokerProperties, final boolean stopWithThisProcess, final boolean replaceOrphan) {
        if (!HEAP_SIZE.matcher(maxHeap).matches()) {
            throw new IllegalArgumentException("not a heap size such as 512m: " + maxHeap);
        }
        for (final String key : brokerProperties.keySet()) {
            if (MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + " is derived from the node's id and ports; it cannot be set");
            }
        }
        this.nodeId = nodeId;
        this.configuredPort = port;
        this.configuredControllerPort = controllerPort;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.pidFile = pidFile.toAbsolutePath().normalize();
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
        refuseIfRunningElsewhere();
        Files.createDirectories(logDir());
        port = configuredPort == 0 ? freePort() : configuredPort;
        controllerPort = configuredControllerPort == 0 ? freePort() : configuredControllerPort;
        refuseIfTaken(port, "client");
        refuseIfTaken(controllerPort, "controller");
        final Path config = writeServerProperties();
        final Path log4jConfig = extractLog4jConfig();
        if (!isFormatted()) {
            format(config, log4jConfig);
        }
        appendToStdoutLog("starting Kafka node " + nodeId);
        final Process started = new ProcessBuilder(stopWithThisProcess
                ? ChildJvm.command(maxHeap, log4jConfig, logDir(), ParentWatch.class.getName(),
                        List.of(Long.toString(ProcessHandle.current().pid()), KAFKA_MAIN, config.toString()))
                : ChildJvm.command(maxHeap, log4jConfig, logDir(), KAFKA_MAIN, List.of(config.toString())))
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutLog().toFile()))
                .start();
        stopRequested = false;
        startedAtNanos = System.nanoTime();
        process = started;
        try {
            Files.writeString(pidFile, started.pid() + System.lineSeparator());
            Files.writeString(ownerFile(), ProcessHandle.current().pid() + System.lineSeparator());
        } catch (IOException e) {
            kill();
            throw e;
        }
        started.onExit().thenAccept(this::reportUnexpectedExit);
        LOG.debug("Started Kafka node {} (pid {}) on {}, controller port {}, data in {}",
                nodeId, started.pid(), bootstrapServers(), controllerPort, dataDir);
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
        final long deadline = System.nanoTime() + timeout.toNanos();
        // Connecting an admin client to a closed port makes it log a warning per retry: wait for the port first.
        while (!acceptsConnections()) {
            checkProgress(running, deadline, timeout, "did not open its client port " + port);
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        final Properties adminConfig = new Properties();
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
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
                    final String formatted = formattedClusterId();
                    if (!answering.equals(formatted)) {
                        throw new BrokerStartupException("Port " + port + " is answered by another Kafka (cluster id "
                                + answering + "), not by Kafka node " + nodeId + " of " + dataDir + " (cluster id "
                                + formatted + "); that Kafka is left alone");
                    }
                    if (live.stream().anyMatch(node -> node.id() == nodeId && node.port() == port)) {
                        LOG.debug("Kafka node {} ready at {} after {} ms", nodeId, bootstrapServers(),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos));
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
            LOG.warn("Kafka node {} (pid {}) did not stop within {} s, killing it", nodeId, running.pid(),
                    STOP_GRACE.toSeconds());
            running.destroyForcibly();
            awaitExit(running, STOP_GRACE);
        }
        forget(running);
        if (!exitedByItself) {
            LOG.info("Stopped Kafka node {} in {} ms", nodeId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNanos));
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
        return LOOPBACK + ":" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path pidFile() {
        return pidFile;
    }

    /** Where the node's log files are written. */
    public Path logDir() {
        return dataDir.resolve("logs");
    }

    @Override
    public String toString() {
        return "Kafka node " + nodeId + " (port " + port + ", data in " + dataDir + ")";
    }

    /**
     * The broker settings of a node in a cluster of {@code clusterSize} nodes. Kafka's defaults
     * assume three brokers: on fewer, its internal topics (consumer offsets, transactions, share
     * groups) could never be created and consumer groups and exactly-once processing would hang. With
     * three or more nodes one may fail without losing acknowledged records (RF 3, min ISR 2), and
     * shorter broker heartbeats make the controller fence a dead node in about 3 s instead of 9, so
     * that partitions stall only briefly.
     */
    static Map<String, String> clusterDefaults(final int clusterSize) {
        final String replication = Integer.toString(Math.min(3, clusterSize));
        final String minInsync = clusterSize >= 3 ? "2" : "1";
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("default.replication.factor", replication);
        props.put("min.insync.replicas", minInsync);
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minInsync);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minInsync);
        // a development cluster has no herd of consumers joining at once: don't make the first one wait
        props.put("group.initial.rebalance.delay.ms", "0");
        // A producer asking for a topic that does not exist makes Kafka create it with one partition
        // (num.partitions): that is how a repartition topic got 1 partition instead of 6 when an app
        // wrote to a broker that was not its own. Every topic here is created on purpose, with its
        // partition count: by the app's provisioner, or by Kafka Streams for its internal topics.
        props.put("auto.create.topics.enable", "false");
        if (clusterSize > 1) {
            props.put("broker.heartbeat.interval.ms", "500");
            props.put("broker.session.timeout.ms", "3000");
        }
        props.putAll(streamsGroupDefaults());
        return props;
    }

    /**
     * The broker side of the streams rebalance protocol (KIP-1071), which the app uses: under it the
     * broker, not the client, decides when a member is dead and how many standby replicas a group gets.
     * Kafka's defaults (a 45 s session, no standby) would leave a killed instance's tasks idle for 45 s
     * and restore them from the changelogs; these detect it in 10 s (heartbeats every 3 s) and keep one
     * warm copy, as measured with bench/failover. The app also asks its own group for its standby count.
     */
    public static Map<String, String> streamsGroupDefaults() {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("group.streams.session.timeout.ms", "10000");
        props.put("group.streams.min.session.timeout.ms", "6000");
        props.put("group.streams.heartbeat.interval.ms", "3000");
        props.put("group.streams.min.heartbeat.interval.ms", "1000");
        props.put("group.streams.num.standby.replicas", "1");
        // as group.initial.rebalance.delay.ms above: no herd of instances to wait for
        props.put("group.streams.initial.rebalance.delay.ms", "0");
        return props;
    }

    /** A port free on the loopback address right now (another process may still take it before use). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    /** Sends SIGTERM without waiting, so that a whole cluster can shut down in parallel. */
    synchronized void requestStop() {
        final Process running = process;
        if (running != null) {
            stopRequested = true;
            running.destroy();
        }
    }

    private Map<String, String> serverProperties() {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.bootstrap.servers", quorum.isEmpty()
                ? LOOPBACK + ":" + controllerPort
                : quorum.stream().map(ClusterMember::controllerEndpoint).collect(Collectors.joining(",")));
        props.put("listeners", "PLAINTEXT://" + LOOPBACK + ":" + port + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", storageDir().toString());
        props.putAll(brokerProperties);
        return props;
    }

    private Path writeServerProperties() throws IOException {
        final StringBuilder text = new StringBuilder("# Written by the application at every start of Kafka node ")
                .append(nodeId).append(": edits are lost\n");
        serverProperties().forEach((key, value) ->
                text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        final Path file = dataDir.resolve("server.properties");
        Files.writeString(file, text);
        return file;
    }

    /** Copies the shipped logging configuration next to the data, where the child can read it as a file. */
    private Path extractLog4jConfig() throws IOException {
        final Path file = dataDir.resolve("log4j2.properties");
        try (InputStream in = BrokerNode.class.getResourceAsStream(LOG4J_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + LOG4J_RESOURCE + " is missing from the application");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** Kafka marks a formatted log directory with {@code meta.properties} (cluster id, node id, directory id). */
    private boolean isFormatted() {
        return Files.exists(storageDir().resolve("meta.properties"));
    }

    private void format(final Path config, final Path log4jConfig) throws IOException, InterruptedException {
        final List<String> args = new ArrayList<>(List.of("format", "--cluster-id", clusterId, "--config", config.toString()));
        if (quorum.isEmpty()) {
            args.add("--standalone");
        } else {
            args.add("--initial-controllers");
            args.add(quorum.stream().map(ClusterMember::initialControllerEntry).collect(Collectors.joining(",")));
        }
        appendToStdoutLog("formatting the storage of Kafka node " + nodeId);
        final long startNanos = System.nanoTime();
        final Process formatter = new ProcessBuilder(
                ChildJvm.command(STORAGE_TOOL_HEAP, log4jConfig, logDir(), STORAGE_TOOL_MAIN, args))
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutLog().toFile()))
                .start();
        try {
            if (!formatter.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("could not format its storage within " + FORMAT_TIMEOUT.toSeconds() + " s");
            }
        } finally {
            // a no-op once it has exited; after a timeout or an interrupt, no stray tool is left running
            formatter.destroyForcibly();
        }
        if (formatter.exitValue() != 0) {
            throw failure("could not format its storage (exit code " + formatter.exitValue() + ")");
        }
        LOG.debug("Formatted the storage of Kafka node {} (cluster id {}) in {} ms", nodeId, clusterId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /**
     * Refuses to start a second process on the same data. A running Kafka holds a lock on
     * {@code .lock} in its log directory; it would refuse to start anyway, but only after launching a
     * JVM and with a message buried in its log. The pid file alone cannot tell: it may be left over
     * from a crash, or name a pid since reused by another program.
     */
    private void refuseIfRunningElsewhere() throws IOException, InterruptedException {
        final Path lockFile = storageDir().resolve(".lock");
        if (!Files.exists(lockFile)) {
            return;
        }
        if (!isLocked(lockFile)) {
            return;
        }
        if (replaceOrphan && stopOrphan()) {
            final long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            while (isLocked(lockFile) && System.nanoTime() < deadline) {
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
            if (!isLocked(lockFile)) {
                return;
            }
        }
        String owner = "";
        try {
            owner = " as process " + Files.readString(pidFile).trim();
        } catch (NoSuchFileException e) {
            // started by other means than this class: no pid to name
        }
        throw new IllegalStateException("Kafka node " + nodeId + " already runs" + owner + " on the data in "
                + dataDir + "; stop it first");
    }

    /**
     * Stops the node this data directory's pid file names when the process that started it is gone
     * (a {@code run} killed before its broker noticed): SIGTERM for a clean shutdown, SIGKILL after
     * the grace period. A node whose owner lives is another {@code run}'s, and a pid that is not a
     * broker on this data (a reused pid) is left alone.
     *
     * @return whether such a node was found and stopped
     */
    private boolean stopOrphan() {
        final Optional<ProcessHandle> broker = readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().commandLine().map(line -> line.contains(dataDir.toString())).orElse(false));
        if (broker.isEmpty() || readPid(ownerFile()).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isPresent()) {
            return false;
        }
        final ProcessHandle orphan = broker.get();
        LOG.warn("Kafka node {} (pid {}) was left running on {} by a process that died; stopping it to start this one",
                nodeId, orphan.pid(), dataDir);
        orphan.destroy();
        try {
            orphan.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
            orphan.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static Optional<Long> readPid(final Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether a process (a running Kafka) holds the lock on this data directory. */
    private static boolean isLocked(final Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (NoSuchFileException e) {
            // a broker that shut down cleanly removed it
            return false;
        } catch (OverlappingFileLockException e) {
            // held by this very JVM: in use all the same
            return true;
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), (int) POLL_INTERVAL.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void checkProgress(final Process running, final long deadline, final Duration timeout, final String what) {
        if (!running.isAlive()) {
            throw failure("exited with code " + running.exitValue() + " before it was ready");
        }
        if (System.nanoTime() - deadline >= 0) {
            throw failure(what + " within " + timeout.toMillis() / 1000.0 + " s");
        }
    }

    private BrokerStartupException failure(final String what) {
        return new BrokerStartupException("Kafka node " + nodeId + " (data in " + dataDir + ") " + what
                + tail(logDir().resolve("server.log")) + tail(stdoutLog()));
    }

    private void reportUnexpectedExit(final Process exited) {
        if (!stopRequested && process == exited) {
            LOG.warn("Kafka node {} (pid {}) exited unexpectedly with code {}; see its logs in {}",
                    nodeId, exited.pid(), exited.exitValue(), logDir());
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
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.warn("Could not delete the pid file {} of Kafka node {}: {}", pidFile, nodeId, e.toString());
        }
    }

    private void appendToStdoutLog(final String event) throws IOException {
        Files.writeString(stdoutLog(), "---- " + Instant.now() + " " + event + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Told when the node's process exits without having been asked to (a crash, a kill). */
    public void onUnexpectedExit(final Runnable listener) {
        this.onUnexpectedExit = Objects.requireNonNull(listener);
    }

    /** The cluster id this node's storage was formatted with. */
    String formattedClusterId() {
        final Properties meta = new Properties();
        try (var reader = Files.newBufferedReader(storageDir().resolve("meta.properties"))) {
            meta.load(reader);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the cluster id of " + dataDir, e);
        }
        return meta.getProperty("cluster.id");
    }

    /** Where the pid of the process that started the running node is kept, to tell a live owner from a dead one. */
    private Path ownerFile() {
        return pidFile.resolveSibling(pidFile.getFileName() + ".owner");
    }

    /**
     * A port someone else listens on is a clear error here, before a JVM is launched: a broker that
     * cannot bind dies, but its readiness probe might meanwhile be answered by whoever holds the port.
     */
    private void refuseIfTaken(final int candidate, final String what) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), candidate), 1);
        } catch (java.net.BindException e) {
            throw new BrokerStartupException("Port " + candidate + " on " + LOOPBACK + " is taken (another Kafka or "
                    + "program), so Kafka node " + nodeId + " of " + dataDir + " cannot use it as its " + what
                    + " port; stop that program, choose another port, or use that Kafka with --bootstrap-servers");
        }
    }

    private Path storageDir() {
        return dataDir.resolve("data");
    }

    private Path stdoutLog() {
        return logDir().resolve("stdout.log");
    }

    /**
     * The last lines of a log file as a message suffix. Stack frames are left out: what went wrong is
     * in the messages and their causes, and a single Kafka stack trace would fill the whole tail.
     * Reads only the end of the file, as logs can be large.
     */
    private static String tail(final Path file) {
        final int maxBytes = 64 * 1024;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            final long size = channel.size();
            final ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, maxBytes));
            channel.position(size - buffer.capacity());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until the tail is in the buffer
            }
            final List<String> lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !STACK_FRAME.matcher(line).lookingAt())
                    .toList();
            if (lines.isEmpty()) {
                return "";
            }
            return "\n---- last lines of " + file + " ----\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "\n(could not read " + file + ": " + e + ")";
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
            final Map<String, String> merged = new LinkedHashMap<>(clusterDefaults(1));
            merged.putAll(properties);
            return new BrokerNode(1, port, 0, dataDir, pidFile != null ? pidFile : dataDir.resolve("broker.pid"),
                    maxHeap, Uuid.randomUuid().toString(), List.of(), merged, owned, owned);
        }
    }
}
