package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.mail.MailSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What {@code run} says once it is up. */
class BannerTest {

    private static final MailSettings OUTBOX = MailSettings.outbox(Path.of("/srv/data/outbox"));

    @Test
    void theEmbeddedDefaultNamesTheApiThePageTheOutboxKafkaAndWhatToTry() {
        final String text = new Banner(
                        "http://127.0.0.1:8080",
                        "127.0.0.1:9092",
                        Path.of("/srv/data/kafka"),
                        "1",
                        OUTBOX,
                        "built-in simulator",
                        null,
                        true,
                        "java -jar target/purchase-pipeline.jar")
                .text();

        assertThat(text.lines())
                .containsExactly(
                        "",
                        "purchase-pipeline is running (instance 1)",
                        "  API            http://127.0.0.1:8080",
                        "  Operator page  http://127.0.0.1:8080/",
                        "  Outbox         /srv/data/outbox  (each email a .eml file; --smtp-host sends them)",
                        "  Kafka          127.0.0.1:9092  (embedded broker, data in /srv/data/kafka)",
                        "  Payments       built-in simulator",
                        "  Access         open: no --admin-token, and customers are who they say (no --auth-jwks)",
                        "Try:",
                        "  POST http://127.0.0.1:8080/orders as the README shows, then",
                        "  curl -s 'http://127.0.0.1:8080/orders/<orderId>?waitMs=5000'",
                        "  java -jar target/purchase-pipeline.jar load --duration 30s",
                        "Ctrl-C stops it.");
    }

    @Test
    void aGivenKafkaAMailServerAndTokensAreSaidAsSuch() {
        final MailSettings smtp = new MailSettings(
                "shop@example.com",
                new MailSettings.Smtp("mail.example.com", 587, null, null, MailSettings.Security.STARTTLS),
                Path.of("outbox"));

        final String text = new Banner(
                        "http://10.0.0.5:8080",
                        "kafka-1:9092,kafka-2:9092",
                        null,
                        "app-0, static membership",
                        smtp,
                        "built-in simulator",
                        "OTLP to http://jaeger:4318",
                        false,
                        "java -jar app.jar")
                .text();

        assertThat(text)
                .contains(
                        "purchase-pipeline is running (instance app-0, static membership)\n",
                        "  Mail           smtp://mail.example.com:587 (starttls), from shop@example.com\n",
                        "  Kafka          kafka-1:9092,kafka-2:9092\n",
                        "  Tracing        OTLP to http://jaeger:4318\n",
                        "  java -jar app.jar load --duration 30s --bootstrap-servers kafka-1:9092,kafka-2:9092\n")
                .doesNotContain("Outbox", "Access", "embedded");
        assertThat(new Banner("http://127.0.0.1:8080", "127.0.0.1:9092", null, "1", smtp, "simulator", null, false, "x")
                        .text())
                .as("no tracing row when spans are not exported")
                .doesNotContain("Tracing");
    }
}
