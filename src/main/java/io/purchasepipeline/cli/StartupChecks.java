package io.purchasepipeline.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code run} checks before it starts anything, so that the usual mistakes are told in one
 * sentence at once, not as a broker, a streams app and their clients failing one after another.
 */
final class StartupChecks {

    private StartupChecks() {}

    /** The data directory exists, or can be made, and a file can be written in it. */
    static void writable(final Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Files.delete(Files.createTempFile(dataDir, ".write-check", ""));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The data directory " + dataDir.toAbsolutePath().normalize() + " cannot be written ("
                            + reason(dataDir, e) + "): choose another with --data-dir (env DATA_DIR)",
                    e);
        }
    }

    /**
     * Nothing listens on {@code host:port} yet (0: any free port will do).
     *
     * @param option the option that chooses the port, named in the message
     */
    static void free(final String host, final int port, final String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new IllegalStateException(
                    "Port " + port + " on " + host + " is taken (is another run using it?): " + "choose another with "
                            + option,
                    e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
    }

    private static String reason(final Path dataDir, final IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        // the directory or one above it is a file
        for (Path path = dataDir.toAbsolutePath().normalize(); path != null; path = path.getParent()) {
            if (Files.exists(path)) {
                if (!Files.isDirectory(path)) {
                    return path + " is a file, not a directory";
                }
                break;
            }
        }
        if (e instanceof FileSystemException failed && failed.getReason() != null) {
            return failed.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage();
    }
}
