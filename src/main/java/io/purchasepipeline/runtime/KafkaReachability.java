package io.purchasepipeline.runtime;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.utils.Utils;

/**
 * Whether Kafka answers at the addresses {@code run} was given, told in one sentence within seconds.
 * A Kafka client that cannot connect retries for a minute, warning at each attempt, and then fails
 * with "Timed out waiting for a node assignment"; so the addresses are tried first with a plain
 * connection, and only an address that takes one is asked, by an admin client, whether it is a
 * Kafka this client can talk to. A Kafka that took the connection and is silent for a while is said
 * once (a wrong port or missing TLS settings look like that) but waited for longer: a busy cluster
 * (a broker restarting, a loaded machine) answers late, and an instance that exits then would be
 * restarted into the same wait.
 */
public final class KafkaReachability {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private KafkaReachability() {}

    /**
     * @param clientProps the connection settings (bootstrap servers, security)
     * @param warnAfter how long the cluster may take to answer once connected before {@code warn} is told
     * @param timeout how long the cluster may take to answer once connected
     * @param warn told once, in one sentence, when the cluster is silent for {@code warnAfter}
     * @throws IllegalArgumentException when the addresses are no {@code host:port} list
     * @throws IllegalStateException saying why, when no Kafka answers there
     */
    public static void check(
            final Properties clientProps,
            final Duration warnAfter,
            final Duration timeout,
            final Consumer<String> warn) {
        final String servers = clientProps.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        final Map<String, String> unreachable = new LinkedHashMap<>();
        final List<String> open = new ArrayList<>();
        for (final String address : addresses(servers)) {
            final String problem = connect(address);
            if (problem == null) {
                open.add(address);
            } else {
                unreachable.put(address, problem);
            }
        }
        if (open.isEmpty()) {
            throw new IllegalStateException(
                    "Kafka is not reachable at "
                            + unreachable.entrySet().stream()
                                    .map(entry -> entry.getKey() + " (" + entry.getValue() + ")")
                                    .collect(Collectors.joining(", "))
                            + ": start it, or leave out --bootstrap-servers (env KAFKA_BOOTSTRAP_SERVERS) to run an embedded broker");
        }
        askCluster(clientProps, String.join(",", open), warnAfter, timeout, warn);
    }

    private static List<String> addresses(final String servers) {
        final List<String> addresses = new ArrayList<>();
        for (final String entry : servers == null ? new String[0] : servers.split(",")) {
            final String address = entry.trim();
            if (address.isEmpty()) {
                continue;
            }
            if (Utils.getHost(address) == null || Utils.getPort(address) == null) {
                throw new IllegalArgumentException("--bootstrap-servers: " + address + " is not host:port");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("--bootstrap-servers is empty: give host:port[,host:port...]");
        }
        return addresses;
    }

    /** @return null when the address takes a connection, else why not, in a few words */
    private static String connect(final String address) {
        final InetSocketAddress target = new InetSocketAddress(Utils.getHost(address), Utils.getPort(address));
        if (target.isUnresolved()) {
            return "unknown host";
        }
        try (Socket socket = new Socket()) {
            socket.connect(target, (int) CONNECT_TIMEOUT.toMillis());
            return null;
        } catch (ConnectException e) {
            return "connection refused";
        } catch (SocketTimeoutException e) {
            return "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static void askCluster(
            final Properties clientProps,
            final String servers,
            final Duration warnAfter,
            final Duration timeout,
            final Consumer<String> warn) {
        final Properties props = new Properties();
        props.putAll(clientProps);
        // the client's own timeouts a little later than this check's, so that silence ends here, as silence
        final long clientTimeout = timeout.plusSeconds(5).toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(clientTimeout));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(clientTimeout));
        final String silent = "Kafka at " + servers + " took a connection but did not answer within %d s: "
                + "is it Kafka, and does it need the TLS or SASL settings of --kafka-config?";
        final Admin admin = Admin.create(props);
        try {
            final KafkaFuture<String> clusterId = admin.describeCluster().clusterId();
            try {
                clusterId.get(warnAfter.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                warn.accept(String.format(silent, warnAfter.toSeconds()) + " Still waiting, up to "
                        + timeout.toSeconds() + " s.");
            }
            clusterId.get(timeout.minus(warnAfter).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(String.format(silent, timeout.toSeconds()), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new IllegalStateException(String.format(silent, timeout.toSeconds()), e);
            }
            throw new IllegalStateException(
                    "Kafka at " + servers + " did not answer this client: "
                            + firstLine(e.getCause().getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking Kafka at " + servers, e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static String firstLine(final String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
