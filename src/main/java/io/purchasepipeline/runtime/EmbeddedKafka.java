package io.purchasepipeline.runtime;

import io.purchasepipeline.tools.kafka.BrokerNode;
import io.purchasepipeline.tools.kafka.Loopback;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node broker {@code run} starts when it is given no Kafka, kept alive for as long as
 * {@code run} lives: it dies with {@code run} (it watches its parent), a broker left on the same
 * data by a {@code run} that died is replaced, and a broker that dies under a running {@code run}
 * is started again on the same port and data, with a back-off, so the pipeline resumes where it
 * was. While it is down, {@link #problem()} says so: readiness is 503 and writes are refused at once.
 */
public final class EmbeddedKafka implements KafkaAvailability, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final BrokerNode node;
    private final Duration readyTimeout;
    private final Thread supervisor;
    private final Object lock = new Object();
    private volatile String problem;
    private volatile boolean closed;
    private boolean died;

    private EmbeddedKafka(final BrokerNode node, final Duration readyTimeout) {
        this.node = node;
        this.readyTimeout = readyTimeout;
        this.supervisor = new Thread(this::supervise, "embedded-kafka-supervisor");
        this.supervisor.setDaemon(true);
    }

    /**
     * Starts the broker of {@code dataDir} on {@code port} (0: a free port, kept across restarts)
     * and waits until it is ready.
     *
     * @throws BrokerStartupException in one line when the port is taken or answered by another Kafka
     */
    public static EmbeddedKafka start(final Path dataDir, final int port, final Duration readyTimeout)
            throws IOException, InterruptedException {
        final BrokerNode node = BrokerNode.standalone(dataDir)
                .port(port == 0 ? Loopback.freePort() : port)
                .ownedByThisProcess()
                .build();
        final EmbeddedKafka kafka = new EmbeddedKafka(node, readyTimeout);
        node.onUnexpectedExit(kafka::died);
        node.start();
        try {
            node.awaitReady(readyTimeout);
        } catch (RuntimeException e) {
            node.stop();
            throw e;
        }
        kafka.supervisor.start();
        return kafka;
    }

    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /** The broker's process now, for operators (and tests that kill it). */
    public BrokerNode node() {
        return node;
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    private void died() {
        synchronized (lock) {
            died = true;
            lock.notifyAll();
        }
    }

    private void supervise() {
        while (!closed) {
            try {
                synchronized (lock) {
                    while (!died && !closed) {
                        lock.wait();
                    }
                    died = false;
                }
                if (!closed) {
                    restart();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void restart() throws InterruptedException {
        problem = "the embedded Kafka broker is down; it is being restarted";
        LOG.warn("The embedded Kafka broker died; restarting it. Until it is back, /health/ready answers 503 and "
                + "writes are refused with 503 and Retry-After (client connection warnings are rate-limited)");
        final long downSince = System.nanoTime();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; !closed; attempt++) {
            Thread.sleep(backoff.toMillis());
            if (closed) {
                return;
            }
            try {
                node.stop();
                node.start();
                node.awaitReady(readyTimeout);
                problem = null;
                LOG.info(
                        "The embedded Kafka broker is back after {} s ({} attempt(s))",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - downSince),
                        attempt);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "Restarting the embedded Kafka broker failed (attempt {}), next try in {} s: {}",
                        attempt,
                        backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                                ? MAX_BACKOFF.toSeconds()
                                : backoff.multipliedBy(2).toSeconds(),
                        firstLine(e.getMessage()));
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static String firstLine(final String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** Stops supervising, then stops the broker cleanly. */
    @Override
    public void close() {
        closed = true;
        supervisor.interrupt();
        synchronized (lock) {
            lock.notifyAll();
        }
        try {
            supervisor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.stop();
    }
}
