package io.purchasepipeline.cli;

import io.purchasepipeline.mail.MailSettings;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code run} says once the pipeline is up: where its API, operator page, emails and Kafka
 * are, and the commands to try next. Everything else it printed on the way is detail.
 *
 * @param apiUrl the HTTP endpoint as this machine reaches it
 * @param kafka the bootstrap servers
 * @param embeddedData the embedded broker's data directory; null when Kafka was given
 * @param instance this instance's name and how it is a member of the group
 * @param tracing where spans go; null when they are not exported
 * @param openAccess whether the operator and customer routes take anyone's word (no token configured)
 * @param launcher how this program was started, e.g. {@code java -jar target/purchase-pipeline.jar}
 */
record Banner(
        String apiUrl,
        String kafka,
        Path embeddedData,
        String instance,
        MailSettings mail,
        String payments,
        String tracing,
        boolean openAccess,
        String launcher) {

    /** The default of {@code load}'s {@code --bootstrap-servers}: the embedded broker's default port. */
    static final String LOAD_DEFAULT_KAFKA = "127.0.0.1:9092";

    String text() {
        final List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("purchase-pipeline is running (instance " + instance + ")");
        lines.add(row("API", apiUrl));
        lines.add(row("Operator page", apiUrl + "/"));
        lines.add(
                mail.smtp() == null
                        ? row(
                                "Outbox",
                                mail.outbox().toAbsolutePath().normalize()
                                        + "  (each email a .eml file; --smtp-host sends them)")
                        : row("Mail", mail.smtp() + ", from " + mail.from()));
        lines.add(row(
                "Kafka",
                kafka
                        + (embeddedData == null
                                ? ""
                                : "  (embedded broker, data in "
                                        + embeddedData.toAbsolutePath().normalize() + ")")));
        lines.add(row("Payments", payments));
        if (tracing != null) {
            lines.add(row("Tracing", tracing));
        }
        if (openAccess) {
            lines.add(row("Access", "open: no --admin-token, and customers are who they say (no --auth-jwks)"));
        }
        lines.add("Try:");
        // no example order here: its card number would be in every log this banner goes to
        lines.add("  POST " + apiUrl + "/orders as the README shows, then");
        lines.add("  curl -s '" + apiUrl + "/orders/<orderId>?waitMs=5000'");
        lines.add("  " + launcher + " load --duration 30s"
                + (LOAD_DEFAULT_KAFKA.equals(kafka) ? "" : " --bootstrap-servers " + kafka));
        lines.add("Ctrl-C stops it.");
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    private static String row(final String name, final String value) {
        return String.format("  %-14s %s", name, value);
    }

    /** How to start this program again: the jar it runs from, else as the README builds and starts it. */
    static String thisProgram() {
        final CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation().getPath().endsWith(".jar")) {
            try {
                final Path jar = Path.of(source.getLocation().toURI());
                final Path here = Path.of("").toAbsolutePath();
                return "java -jar " + (jar.startsWith(here) ? here.relativize(jar) : jar);
            } catch (URISyntaxException e) {
                // a location that is no file path: the README's command below
            }
        }
        return "java -jar target/purchase-pipeline.jar";
    }
}
