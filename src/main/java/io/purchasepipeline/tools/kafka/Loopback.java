package io.purchasepipeline.tools.kafka;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** The loopback address, the only one these nodes bind to and advertise: they are for one machine. */
public final class Loopback {

    static final String ADDRESS = "127.0.0.1";

    private Loopback() {}

    /** A port free on the loopback address right now (another process may still take it before use). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            return socket.getLocalPort();
        }
    }

    /** Whether nobody listens on {@code port} now: it can be bound. */
    static boolean isFree(final int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(ADDRESS), port), 1);
            return true;
        } catch (BindException e) {
            return false;
        }
    }

    /** Whether something accepts a connection on {@code port} within {@code timeout}. */
    static boolean acceptsConnections(final int port, final Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ADDRESS, port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
