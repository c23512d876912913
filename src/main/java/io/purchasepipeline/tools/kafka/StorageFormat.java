package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Formats a node's storage on its first start, with Kafka's own storage tool in a child JVM. */
final class StorageFormat {

    private static final Logger LOG = LoggerFactory.getLogger(StorageFormat.class);
    private static final String STORAGE_TOOL_MAIN = "kafka.tools.StorageTool";
    private static final String STORAGE_TOOL_HEAP = "256m";
    /** A format is a few seconds of work; on a loaded two-core machine it was seen to take ten. */
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);

    private StorageFormat() {}

    /** A standalone quorum when {@code quorum} is empty, else the quorum's initial controllers. */
    static void format(
            final int nodeId,
            final String clusterId,
            final List<ClusterMember> quorum,
            final NodeDirectory dir,
            final Path config,
            final Path log4jConfig)
            throws IOException, InterruptedException {
        final List<String> args =
                new ArrayList<>(List.of("format", "--cluster-id", clusterId, "--config", config.toString()));
        if (quorum.isEmpty()) {
            args.add("--standalone");
        } else {
            args.add("--initial-controllers");
            args.add(quorum.stream().map(ClusterMember::initialControllerEntry).collect(Collectors.joining(",")));
        }
        dir.appendToStdoutLog("formatting the storage of Kafka node " + nodeId);
        final long startNanos = System.nanoTime();
        final Process formatter = new ProcessBuilder(
                        ChildJvm.command(STORAGE_TOOL_HEAP, log4jConfig, dir.logDir(), STORAGE_TOOL_MAIN, args))
                .directory(dir.dataDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.stdoutLog().toFile()))
                .start();
        try {
            if (!formatter.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw dir.failure(nodeId, "could not format its storage within " + FORMAT_TIMEOUT.toSeconds() + " s");
            }
        } finally {
            // a no-op once it has exited; after a timeout or an interrupt, no stray tool is left running
            formatter.destroyForcibly();
        }
        if (formatter.exitValue() != 0) {
            throw dir.failure(nodeId, "could not format its storage (exit code " + formatter.exitValue() + ")");
        }
        LOG.debug(
                "Formatted the storage of Kafka node {} (cluster id {}) in {} ms",
                nodeId,
                clusterId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
}
