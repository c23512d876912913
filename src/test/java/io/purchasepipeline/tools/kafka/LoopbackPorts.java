package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for test brokers and instances, chosen outside the kernel's ephemeral range.
 * Tests kill brokers and instances and restart them on the same port; while one is down, a port from
 * the ephemeral range can become the local port of any outgoing connection (clients and the other
 * brokers reconnect to the dead node hundreds of times), and the restart then fails with "Address
 * already in use". Ports outside that range are never handed out that way.
 */
public final class LoopbackPorts {

    /** Read once: the kernel's range does not change while the tests run. */
    private static final Range EPHEMERAL = ephemeralRange();

    private LoopbackPorts() {}

    /** A span of ports, both ends included. */
    public record Range(int low, int high) {

        /** What Linux hands out for outgoing connections unless told otherwise. */
        public static final Range LINUX_DEFAULT = new Range(32768, 60999);

        /** The range of {@code /proc/sys/net/ipv4/ip_local_port_range} ("low high"), or Linux's default. */
        static Range parse(final String text) {
            final String[] parts = text.trim().split("\\s+");
            try {
                return parts.length == 2
                        ? new Range(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]))
                        : LINUX_DEFAULT;
            } catch (NumberFormatException e) {
                return LINUX_DEFAULT;
            }
        }

        boolean contains(final int port) {
            return port >= low && port <= high;
        }

        int size() {
            return high - low + 1;
        }

        /** The spans from 10000 up to 65535 outside this range holding at least {@code count} ports. */
        List<Range> outside(final int count) {
            return List.of(new Range(10000, low - 1), new Range(high + 1, 65535)).stream()
                    .filter(span -> span.size() >= count)
                    .toList();
        }
    }

    static Range ephemeralRange() {
        try {
            return Range.parse(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")));
        } catch (IOException e) {
            return Range.LINUX_DEFAULT;
        }
    }

    /**
     * {@code count} distinct ports free right now, outside the kernel's ephemeral range (see the
     * class comment), all held open together so none is handed out twice.
     */
    public static List<Integer> free(final int count) throws IOException {
        final List<Range> spans = EPHEMERAL.outside(count);
        final List<ServerSocket> held = new ArrayList<>();
        try {
            for (int attempt = 0; held.size() < count && attempt < 100 * count; attempt++) {
                final ServerSocket socket = tryBind(pick(spans));
                if (socket != null) {
                    held.add(socket);
                }
            }
            if (held.size() < count) {
                throw new IOException(
                        "found only " + held.size() + " of " + count + " free ports outside " + EPHEMERAL);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            closeAll(held);
        }
    }

    /** The first of {@code count} consecutive ports free right now, outside the ephemeral range. */
    public static int freeConsecutive(final int count) throws IOException {
        final List<Range> spans = EPHEMERAL.outside(count);
        for (int attempt = 0; attempt < 100; attempt++) {
            final List<ServerSocket> held = new ArrayList<>();
            try {
                final ServerSocket firstSocket = tryBind(pick(spans));
                if (firstSocket == null) {
                    continue;
                }
                held.add(firstSocket);
                final int first = firstSocket.getLocalPort();
                for (int port = first + 1; port < first + count && port <= 65535; port++) {
                    final ServerSocket next = tryBind(port);
                    if (next == null) {
                        break;
                    }
                    held.add(next);
                }
                if (held.size() == count) {
                    return first;
                }
            } finally {
                closeAll(held);
            }
        }
        throw new IOException("found no " + count + " consecutive free ports outside " + EPHEMERAL);
    }

    /**
     * A random port of the spans, each span weighted by its size; 0 (the kernel's choice) when there
     * are none.
     */
    private static int pick(final List<Range> spans) {
        if (spans.isEmpty()) {
            return 0;
        }
        final int total = spans.stream().mapToInt(Range::size).sum();
        int offset = ThreadLocalRandom.current().nextInt(total);
        for (final Range span : spans) {
            if (offset < span.size()) {
                return span.low() + offset;
            }
            offset -= span.size();
        }
        throw new IllegalStateException("offset beyond the spans");
    }

    /** A socket bound to the port on the loopback address, or null if the port is taken. */
    private static ServerSocket tryBind(final int port) throws IOException {
        try {
            return new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
        } catch (BindException e) {
            return null;
        }
    }

    private static void closeAll(final List<ServerSocket> sockets) throws IOException {
        for (final ServerSocket socket : sockets) {
            socket.close();
        }
    }
}
