package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

class KafkaReachabilityTest {

    @Test
    void aListenerThatTakesTheConnectionButIsSilentIsToldOnceThenWaitedForUntilTheTimeout() throws Exception {
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            final String address = "127.0.0.1:" + silent.getLocalPort();
            final Properties props = new Properties();
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, address);
            final List<String> told = new ArrayList<>();
            final long start = System.nanoTime();

            assertThatThrownBy(() ->
                            KafkaReachability.check(props, Duration.ofSeconds(1), Duration.ofSeconds(4), told::add))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "Kafka at " + address + " took a connection but did not answer within 4 s: is it Kafka, "
                                    + "and does it need the TLS or SASL settings of --kafka-config?");

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("waited past the first warning")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
            assertThat(told)
                    .containsExactly(
                            "Kafka at " + address + " took a connection but did not answer within 1 s: is it "
                                    + "Kafka, and does it need the TLS or SASL settings of --kafka-config? Still waiting, up to 4 s.");
        } finally {
            for (final Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void nothingListeningIsToldAtOnceWithoutAskingAnything() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        final List<String> told = new ArrayList<>();

        assertThatThrownBy(
                        () -> KafkaReachability.check(props, Duration.ofSeconds(1), Duration.ofSeconds(4), told::add))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Kafka is not reachable at 127.0.0.1:1 (connection refused)");
        assertThat(told).isEmpty();
    }
}
