package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The files of one node, all in its data directory: {@code server.properties} and
 * {@code log4j2.properties} (written at every start), {@code data/} (Kafka's {@code log.dirs}),
 * {@code logs/}, and the pid files that say which process runs the node and which process owns it.
 */
final class NodeDirectory {

    private static final String LOG4J_RESOURCE = "/broker-log4j2.properties";

    private final Path dataDir;
    private final Path pidFile;

    NodeDirectory(final Path dataDir, final Path pidFile) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.pidFile = pidFile.toAbsolutePath().normalize();
    }

    Path dataDir() {
        return dataDir;
    }

    Path pidFile() {
        return pidFile;
    }

    /** Kafka's {@code log.dirs}. */
    Path storageDir() {
        return dataDir.resolve("data");
    }

    Path logDir() {
        return dataDir.resolve("logs");
    }

    /** The child's standard output and error, where a JVM that cannot even start says why. */
    Path stdoutLog() {
        return logDir().resolve("stdout.log");
    }

    /** Where the pid of the process that started the running node is kept, to tell a live owner from a dead one. */
    Path ownerFile() {
        return pidFile.resolveSibling(pidFile.getFileName() + ".owner");
    }

    Path writeServerProperties(final int nodeId, final Map<String, String> properties) throws IOException {
        final StringBuilder text = new StringBuilder("# Written by the application at every start of Kafka node ")
                .append(nodeId)
                .append(": edits are lost\n");
        properties.forEach((key, value) ->
                text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        final Path file = dataDir.resolve("server.properties");
        Files.writeString(file, text);
        return file;
    }

    /** Copies the shipped logging configuration next to the data, where the child can read it as a file. */
    Path extractLog4jConfig() throws IOException {
        final Path file = dataDir.resolve("log4j2.properties");
        try (InputStream in = NodeDirectory.class.getResourceAsStream(LOG4J_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + LOG4J_RESOURCE + " is missing from the application");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** Kafka marks a formatted log directory with {@code meta.properties} (cluster id, node id, directory id). */
    boolean isFormatted() {
        return Files.exists(storageDir().resolve("meta.properties"));
    }

    /** The cluster id this node's storage was formatted with. */
    String formattedClusterId() {
        final Properties meta = new Properties();
        try (var reader = Files.newBufferedReader(storageDir().resolve("meta.properties"))) {
            meta.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster id of " + dataDir, e);
        }
        return meta.getProperty("cluster.id");
    }

    void appendToStdoutLog(final String event) throws IOException {
        Files.writeString(
                stdoutLog(),
                "---- " + Instant.now() + " " + event + System.lineSeparator(),
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Records the running child's pid, and this process as its owner. */
    void writePids(final long childPid) throws IOException {
        Files.writeString(pidFile, childPid + System.lineSeparator());
        Files.writeString(ownerFile(), ProcessHandle.current().pid() + System.lineSeparator());
    }

    void deletePidFile() throws IOException {
        Files.deleteIfExists(pidFile);
    }

    /** Why node {@code nodeId} failed, with the last lines of its logs. */
    BrokerStartupException failure(final int nodeId, final String what) {
        return new BrokerStartupException("Kafka node " + nodeId + " (data in " + dataDir + ") " + what
                + LogTail.of(logDir().resolve("server.log")) + LogTail.of(stdoutLog()));
    }

    static Optional<Long> readPid(final Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
