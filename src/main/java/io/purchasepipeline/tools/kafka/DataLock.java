package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether another process runs a node on this data. A running Kafka holds a lock on {@code .lock} in
 * its log directory; it would refuse to start anyway, but only after launching a JVM and with a
 * message buried in its log. The pid file alone cannot tell: it may be left over from a crash, or
 * name a pid since reused by another program.
 */
final class DataLock {

    private static final Logger LOG = LoggerFactory.getLogger(DataLock.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private DataLock() {}

    /**
     * Refuses to start a second process on the same data.
     *
     * @param replaceOrphan whether a node left running by a process that died is stopped first
     * @param stopGrace how long such a node gets for a controlled shutdown
     */
    static void refuseIfRunningElsewhere(
            final int nodeId, final NodeDirectory dir, final boolean replaceOrphan, final Duration stopGrace)
            throws IOException, InterruptedException {
        final Path lockFile = dir.storageDir().resolve(".lock");
        if (!Files.exists(lockFile) || !isLocked(lockFile)) {
            return;
        }
        if (replaceOrphan && stopOrphan(nodeId, dir, stopGrace)) {
            final long deadline = System.nanoTime() + stopGrace.toNanos();
            while (isLocked(lockFile) && System.nanoTime() < deadline) {
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
            if (!isLocked(lockFile)) {
                return;
            }
        }
        String owner = "";
        try {
            owner = " as process " + Files.readString(dir.pidFile()).trim();
        } catch (NoSuchFileException e) {
            // started by other means than this class: no pid to name
        }
        throw new IllegalStateException("Kafka node " + nodeId + " already runs" + owner + " on the data in "
                + dir.dataDir() + "; stop it first");
    }

    /**
     * Stops the node this data directory's pid file names when the process that started it is gone
     * (a {@code run} killed before its broker noticed): SIGTERM for a clean shutdown, SIGKILL after
     * the grace period. A node whose owner lives is another {@code run}'s, and a pid that is not a
     * broker on this data (a reused pid) is left alone.
     *
     * @return whether such a node was found and stopped
     */
    private static boolean stopOrphan(final int nodeId, final NodeDirectory dir, final Duration stopGrace) {
        final Optional<ProcessHandle> broker = NodeDirectory.readPid(dir.pidFile())
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info()
                        .commandLine()
                        .map(line -> line.contains(dir.dataDir().toString()))
                        .orElse(false));
        if (broker.isEmpty()
                || NodeDirectory.readPid(dir.ownerFile())
                        .flatMap(ProcessHandle::of)
                        .filter(ProcessHandle::isAlive)
                        .isPresent()) {
            return false;
        }
        final ProcessHandle orphan = broker.get();
        LOG.warn(
                "Kafka node {} (pid {}) was left running on {} by a process that died; stopping it to start this one",
                nodeId,
                orphan.pid(),
                dir.dataDir());
        orphan.destroy();
        try {
            orphan.onExit().get(stopGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            orphan.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
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
}
