package io.purchasepipeline.system;

import io.purchasepipeline.cli.Main;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the application ({@code Main run}) as a separate JVM, for tests that kill and
 * restart instances the way a crash or an operator would. A thread or an in-JVM
 * {@code KafkaStreams} cannot be {@code kill -9}'ed: only a process loses its open transactions,
 * its heartbeats and its state directory lock all at once.
 *
 * <p>The child runs from this JVM's own classpath and Java installation, with the application's
 * production logging configuration. Its standard output and error go to {@link #logFile()},
 * appended across restarts; {@link #awaitRunning(Duration)} reads the line the {@code run} command
 * prints when the streams app reaches RUNNING. Every child still alive when this JVM exits is
 * killed by a shutdown hook, so a test that dies halfway leaves no process behind.
 */
public final class AppInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AppInstance.class);

    /** Enough for the pipeline with its bounded RocksDB cache; three of these share a two-core machine with brokers. */
    static final String DEFAULT_MAX_HEAP = "384m";
    /** Longer than the 30 s the app's shutdown hook gives {@code KafkaStreams.close}. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(40);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final int LOG_TAIL_BYTES = 8 * 1024;

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-app-instances"));
    }

    private final String instanceId;
    private final Path dataDir;
    private final List<String> runArgs;
    private final String maxHeap;
    private final int httpPort;
    /** The line of its output that says this start is ready. */
    private final String readyMarker;

    private Process process;
    /** Where this start's output begins in the log file, so that an earlier start's RUNNING line is not taken for this one's. */
    private long logOffsetAtStart;

    /**
     * @param instanceId      the {@code --instance-id}
     * @param dataDir         the {@code --data-dir}; the log file is kept there too
     * @param bootstrapServers the {@code --bootstrap-servers}; null: {@code run} starts its embedded broker
     * @param extraArgs       further {@code run} options, e.g. {@code --kafka-config FILE}
     */
    AppInstance(
            final String instanceId, final Path dataDir, final String bootstrapServers, final List<String> extraArgs) {
        this(instanceId, dataDir, bootstrapServers, extraArgs, DEFAULT_MAX_HEAP);
    }

    AppInstance(
            final String instanceId,
            final Path dataDir,
            final String bootstrapServers,
            final List<String> extraArgs,
            final String maxHeap) {
        this(
                instanceId,
                dataDir,
                maxHeap,
                freePort(),
                List.of("run"),
                bootstrapServers,
                extraArgs,
                "(instance " + instanceId + "): RUNNING");
    }

    private AppInstance(
            final String instanceId,
            final Path dataDir,
            final String maxHeap,
            final int httpPort,
            final List<String> command,
            final String bootstrapServers,
            final List<String> extraArgs,
            final String readyMarker) {
        this.instanceId = Objects.requireNonNull(instanceId);
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.maxHeap = Objects.requireNonNull(maxHeap);
        // instances on one machine cannot all listen on the default port
        this.httpPort = httpPort;
        this.readyMarker = readyMarker;
        final List<String> args = new ArrayList<>(command);
        if (bootstrapServers != null) {
            args.addAll(List.of("--bootstrap-servers", bootstrapServers));
        }
        args.addAll(List.of("--instance-id", instanceId, "--data-dir", this.dataDir.toString()));
        if (httpPort > 0) {
            args.addAll(List.of("--http-port", Integer.toString(httpPort)));
        }
        args.addAll(extraArgs);
        this.runArgs = List.copyOf(args);
    }

    /**
     * One {@code worker KIND} ({@code payment}, {@code mail}, {@code ebook}) as a separate JVM, ready
     * once it says it runs against Kafka.
     */
    static AppInstance worker(
            final String kind,
            final String instanceId,
            final Path dataDir,
            final String bootstrapServers,
            final List<String> extraArgs) {
        return new AppInstance(
                instanceId,
                dataDir,
                "192m",
                0,
                List.of("worker", kind),
                Objects.requireNonNull(bootstrapServers),
                extraArgs,
                "running against Kafka at");
    }

    /** Launches the JVM; returns at once. See {@link #awaitRunning(Duration)}. */
    synchronized void start() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("instance " + instanceId + " already runs as pid " + process.pid());
        }
        Files.createDirectories(dataDir);
        Files.writeString(
                logFile(),
                "---- " + Instant.now() + " starting instance " + instanceId + System.lineSeparator(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        logOffsetAtStart = Files.size(logFile());
        final ProcessBuilder builder = new ProcessBuilder(command());
        // the embedded default only when the test asks for it, whatever this machine's environment says
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        final Process started = builder.directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        LIVE.add(started);
        process = started;
        LOG.info("Started app instance {} (pid {}), log in {}", instanceId, started.pid(), logFile());
    }

    /**
     * Waits for the current start's ready line: "Streams app ... (instance N): RUNNING", or a
     * worker's "... running against Kafka at ...".
     *
     * @throws IllegalStateException if the process exits first or the line does not come in time;
     *                               the message ends with the tail of the log
     */
    void awaitRunning(final Duration timeout) throws IOException, InterruptedException {
        final String marker = readyMarker;
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final Process running;
            synchronized (this) {
                running = process;
            }
            if (running == null || !running.isAlive()) {
                throw new IllegalStateException("instance " + instanceId + " exited before RUNNING" + tail());
            }
            if (logSinceStart().contains(marker)) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException(
                        "instance " + instanceId + " not RUNNING within " + timeout.toSeconds() + " s" + tail());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** {@code kill -9}: the instance vanishes mid-transaction, without leaving its group. No-op when not running. */
    synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Killed app instance {} (pid {})", instanceId, process.pid());
        forget();
    }

    /** SIGTERM, so the app closes its streams cleanly; killed if it takes longer than 40 s. No-op when not running. */
    synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn(
                    "App instance {} (pid {}) did not stop within {} s, killing it",
                    instanceId,
                    process.pid(),
                    STOP_GRACE.toSeconds());
            process.destroyForcibly();
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        forget();
    }

    /** Kills the process, so that a failed test never leaves it running. */
    @Override
    public void close() throws InterruptedException {
        kill();
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    String instanceId() {
        return instanceId;
    }

    /** The port of this instance's HTTP endpoint, the same across restarts. */
    int httpPort() {
        return httpPort;
    }

    /** What this start has written so far. */
    String output() throws IOException {
        return logSinceStart();
    }

    /** Standard output and error of every start of this instance. */
    Path logFile() {
        return dataDir.resolve("instance-" + instanceId + ".log");
    }

    private void forget() {
        LIVE.remove(process);
        process = null;
    }

    private List<String> command() {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-XX:+ExitOnOutOfMemoryError",
                // the app's own logging, not the test configuration that is first on this classpath
                "-Dlog4j2.configurationFile=" + productionLogConfig(),
                "-cp",
                classpath(),
                Main.class.getName()));
        command.addAll(runArgs);
        return command;
    }

    private static String productionLogConfig() {
        return Objects.requireNonNull(Main.class.getResource("/log4j2.properties"), "the app's log4j2.properties")
                .toString();
    }

    /** This JVM's classpath made absolute, as the child runs in its data directory. */
    private static String classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static int freePort() {
        try {
            return LoopbackPorts.free(1).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logSinceStart() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(logFile().toFile(), "r")) {
            final long length = file.length() - logOffsetAtStart;
            final byte[] bytes = new byte[(int) Math.max(0, length)];
            file.seek(logOffsetAtStart);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private String tail() {
        try {
            final String log = logSinceStart();
            return "\n---- last lines of " + logFile() + " ----\n"
                    + log.substring(Math.max(0, log.length() - LOG_TAIL_BYTES));
        } catch (IOException e) {
            return "\n(could not read " + logFile() + ": " + e + ")";
        }
    }
}
