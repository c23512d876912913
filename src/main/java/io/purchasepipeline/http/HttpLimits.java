package io.purchasepipeline.http;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * How much the endpoint takes from one client, and for how long, in one place. A client over a
 * limit gets a 4xx or loses its connection; it never ties up a thread or a connection for long.
 */
public final class HttpLimits {

    /** Bodies above this are refused with 413, before they are read when their length is announced. */
    public static final long MAX_BODY_BYTES = 64 * 1024;
    /**
     * A body announced over {@link #MAX_BODY_BYTES} but not over this is read and dropped before
     * its 413: the client sending it reads the answer and keeps its connection. Closing with the
     * body still arriving resets the connection under the client's writes, and a client that
     * fails on a write never reads the answer. Larger bodies are refused at once and their
     * connection closed; a client that asks to continue first is never sent on.
     */
    public static final long MAX_REFUSED_BODY_READ = 1024 * 1024;
    /** The request line and headers together; above it 431 (414 for the request line alone). */
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    /** A connection on which nothing moves for this long is closed (a long poll in progress is not idle). */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A request must have arrived whole, line, headers and body, within this time of its first
     * byte. Jetty's idle timeout starts again with every byte, so without this a client that
     * trickles its request (slow loris) would hold its connection for as long as it likes.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private HttpLimits() {}

    static void apply(final JavalinConfig config) {
        config.http.maxRequestSize = MAX_BODY_BYTES;
        config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_HEADER_BYTES));
        config.jetty.modifyServer(server -> {
            // the server's own refusals (bad request line, headers too large, ...) in the API's error shape
            server.setErrorHandler(new JsonErrorHandler());
            // the connectors exist once the server starts
            server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(final LifeCycle event) {
                    for (final Connector connector : server.getConnectors()) {
                        if (connector instanceof AbstractConnector limited) {
                            limited.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                            limited.addBean(new SlowClientGuard(limited, REQUEST_TIMEOUT));
                        }
                    }
                }
            });
        });
    }
}
