package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** The last lines of a node's log, to end an error message with what the node itself said. */
final class LogTail {

    private static final int LINES = 30;
    private static final int MAX_BYTES = 64 * 1024;
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more)");

    private LogTail() {}

    /**
     * The last lines of a log file as a message suffix. Stack frames are left out: what went wrong is
     * in the messages and their causes, and a single Kafka stack trace would fill the whole tail.
     * Reads only the end of the file, as logs can be large.
     */
    static String of(final Path file) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            final long size = channel.size();
            final ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, MAX_BYTES));
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
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LINES), lines.size()));
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "\n(could not read " + file + ": " + e + ")";
        }
    }
}
