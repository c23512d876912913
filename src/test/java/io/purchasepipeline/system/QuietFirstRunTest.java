package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.tools.kafka.LoopbackPorts;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A new user's first {@code run}: no Kafka given, a fresh data directory, the production logging.
 * It prints where everything is and what to try, takes an order and writes its itemised emails,
 * and stops on the signal a terminal's Ctrl-C sends to the whole process group, and in all that
 * prints not one warning or error.
 */
@Timeout(600)
class QuietFirstRunTest {

    private static final Duration START = Duration.ofMinutes(4);
    /** A log line at WARN or ERROR, as the application's log pattern writes it; or a stack trace. */
    private static final Pattern ALARM =
            Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR)|^\\s+at |Exception");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Path dir;
    private CliProcess run;

    /** Not under the OS temp directory, where a user's data would not be either (Kafka Streams warns of it). */
    @BeforeEach
    void freshDataDirectory() throws Exception {
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "first-run-");
    }

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void aFirstRunSaysWhereEverythingIsAndWarnsOfNothing() throws Exception {
        final int httpPort = LoopbackPorts.free(1).get(0);
        final String api = "http://127.0.0.1:" + httpPort;
        run = CliProcess.start(
                dir,
                List.of("run", "--data-dir", "data", "--http-port", Integer.toString(httpPort), "--broker-port", "0"));

        run.awaitOutput("Ctrl-C stops it.", START);
        final String banner = run.output().substring(run.output().indexOf("purchase-pipeline is running"));
        assertThat(banner)
                .contains(
                        "API            " + api + "\n",
                        "Operator page  " + api + "/\n",
                        "Outbox         " + dir.resolve("data/outbox") + "  (each email a .eml file",
                        "embedded broker, data in " + dir.resolve("data/kafka") + ")",
                        "Try:\n",
                        "POST " + api + "/orders as the README shows, then",
                        "load --duration 30s --bootstrap-servers 127.0.0.1:");
        final HttpResponse<String> placed = HTTP.send(
                HttpRequest.newBuilder(URI.create(api + "/orders"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"customerId\":\"alice\",\"customerName\":\"Alice\","
                                        + "\"email\":\"alice@example.com\",\"items\":[{\"sku\":\"book-kafka\",\"quantity\":2}],"
                                        + "\"payment\":{\"card\":\"4242424242424242\"}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        final String completion = awaitEmail(dir.resolve("data/outbox"), "order_completed", START);
        assertThat(completion)
                .contains("- Kafka: The Definitive Guide (book-kafka): 2 x €49.00 = €98.00\n")
                .contains("Total (EUR): €98.00\n");

        run.signalGroup();
        assertThat(run.awaitExit(Duration.ofMinutes(1)))
                .as("exit code after SIGTERM")
                .isIn(0, 143);

        final String output = run.output();
        System.out.println("---- output of a first run ----\n" + output);
        assertThat(output.lines().filter(line -> ALARM.matcher(line).find()))
                .as("warnings, errors and stack traces of a first run:\n%s", output)
                .isEmpty();
        assertThat(output).contains("Stopped Kafka node 1");
    }

    @Test
    void anEmailStillBeingWrittenIsNotTakenForADeliveredOne() {
        final Path outbox = Path.of("outbox");
        assertThat(isDeliveredEmail(outbox.resolve("o-1_order_completed.eml"), "order_completed"))
                .isTrue();
        assertThat(isDeliveredEmail(
                        outbox.resolve(".o-1_order_completed.eml.0b6e0c2e-5b1f-4f8e-9d2a-1c3e5f7a9b0d.tmp"),
                        "order_completed"))
                .isFalse();
        assertThat(isDeliveredEmail(outbox.resolve("o-1_order_received.eml"), "order_completed"))
                .isFalse();
    }

    /** The plain text of the first {@code .eml} file whose name holds {@code kind}, once one is there. */
    private static String awaitEmail(final Path outbox, final String kind, final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> files = Files.list(outbox)) {
                    final Path found = files.filter(file -> isDeliveredEmail(file, kind))
                            .findFirst()
                            .orElse(null);
                    if (found != null) {
                        return plainText(found);
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + kind + " email in " + outbox + " within " + timeout.toSeconds() + " s");
    }

    /**
     * A whole email of that kind: the sender writes each one under a hidden temporary name holding
     * the same kind and renames it into place, so a half-written one must not be read.
     */
    private static boolean isDeliveredEmail(final Path file, final String kind) {
        final String name = file.getFileName().toString();
        return !name.startsWith(".") && name.endsWith(".eml") && name.contains(kind);
    }

    private static String plainText(final Path eml) throws Exception {
        try (InputStream in = Files.newInputStream(eml)) {
            final Multipart alternatives = (Multipart) new MimeMessage(null, in).getContent();
            return ((String) alternatives.getBodyPart(0).getContent()).replace("\r\n", "\n");
        }
    }
}
