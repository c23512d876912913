package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usual mistakes with {@code run}, as a user makes them: each is told in one line, at once, and
 * the run ends with a non-zero exit code, with no stack trace and no client warnings before it.
 */
@Timeout(120)
class RunMistakesTest {

    /** JVM start and the check itself, on a busy machine: far below the client's minute of retries. */
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void kafkaNotListeningIsToldInOneLineWithinSeconds() throws Exception {
        final int closed = LoopbackPorts.free(1).get(0);

        final long started = System.nanoTime();
        final Result result = run("--bootstrap-servers", "127.0.0.1:" + closed);
        final Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.lines())
                .containsExactly("purchase-pipeline: Kafka is not reachable at 127.0.0.1:" + closed
                        + " (connection refused): start it, or leave out --bootstrap-servers (env KAFKA_BOOTSTRAP_SERVERS) to run an "
                        + "embedded broker");
        System.out.printf("Kafka unreachable told in %d ms, JVM start included%n", took.toMillis());
        assertThat(took).isLessThan(PROMPTLY);
    }

    @Test
    void anUnknownKafkaHostIsToldInOneLine() throws Exception {
        final Result result = run("--bootstrap-servers", "no-such-host.invalid:9092");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.lines())
                .singleElement()
                .asString()
                .startsWith("purchase-pipeline: Kafka is not reachable at no-such-host.invalid:9092 (unknown host)");
    }

    @Test
    void aKafkaConfigFileThatIsNotThereIsNamedWithWhy() throws Exception {
        final Path missing = dir.resolve("client.properties");

        final Result result = run("--kafka-config", missing.toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.lines())
                .containsExactly(
                        "purchase-pipeline: --kafka-config " + missing + " cannot be read: there is no such file");
    }

    @Test
    void anHttpPortInUseIsToldBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

            final Result result = run("--http-port", Integer.toString(taken.getLocalPort()));

            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.lines())
                    .containsExactly(
                            "purchase-pipeline: Port " + taken.getLocalPort()
                                    + " on 127.0.0.1 is taken (is another run using it?): choose another with --http-port (env HTTP_PORT)");
        }
        assertThat(dir.resolve("data/kafka")).as("no broker was started").doesNotExist();
    }

    @Test
    void aDataDirectoryThatCannotBeWrittenIsToldBeforeAnythingStarts() throws Exception {
        // a file where a directory must be: unwritable for every user, root included
        final Path file = Files.writeString(dir.resolve("not-a-directory"), "");

        final Result result = run("--data-dir", file.resolve("data").toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.lines())
                .containsExactly(
                        "purchase-pipeline: The data directory " + file.resolve("data") + " cannot be written (" + file
                                + " is a file, not a directory): choose another with --data-dir (env DATA_DIR)");
    }

    private record Result(int exit, List<String> lines) {}

    /** {@code run} with {@code args}, a data directory of its own and a free HTTP port unless {@code args} name them. */
    private Result run(final String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of("run"));
        command.addAll(List.of(args));
        if (!command.contains("--data-dir")) {
            command.addAll(List.of("--data-dir", dir.resolve("data").toString()));
        }
        if (!command.contains("--http-port")) {
            command.addAll(List.of(
                    "--http-port", Integer.toString(LoopbackPorts.free(1).get(0))));
        }
        command.addAll(List.of("--broker-port", "0"));
        try (CliProcess cli = CliProcess.start(dir, command)) {
            final int exit = cli.awaitExit(PROMPTLY);
            return new Result(exit, cli.lines());
        }
    }
}
