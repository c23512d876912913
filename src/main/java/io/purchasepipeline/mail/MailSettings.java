package io.purchasepipeline.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the mail sender delivers: an SMTP server when one is configured, else {@code .eml} files
 * in the outbox folder.
 *
 * @param from the sender's address on every email
 * @param smtp the mail server, or null for the outbox
 * @param outbox the folder of {@code .eml} files, used when there is no mail server
 * @param redeliveryDelay how long after its interrupted hand-over began an email is handed to the
 *        mail server again (see {@link MailSender}): long enough for a hand-over still under way
 *        to end, short enough that a second copy lands next to the first
 * @param publicUrl where customers reach the shop: every email links to its order there; null: no link
 */
public record MailSettings(String from, Smtp smtp, Path outbox, Duration redeliveryDelay, URI publicUrl) {

    public static final String DEFAULT_FROM = "orders@purchase-pipeline.local";
    public static final int DEFAULT_SMTP_PORT = 587;
    public static final Duration DEFAULT_REDELIVERY_DELAY = Duration.ofSeconds(5);

    public MailSettings {
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(redeliveryDelay, "redeliveryDelay");
        if (redeliveryDelay.isNegative()) {
            throw new IllegalArgumentException("The redelivery delay cannot be negative: " + redeliveryDelay);
        }
        try {
            new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("Not a valid sender address: " + from, e);
        }
        // the emails add /orders/<id> to it: a query or a fragment would end up before that
        if (publicUrl != null
                && (!publicUrl.isAbsolute()
                        || publicUrl.getHost() == null
                        || !List.of("http", "https")
                                .contains(publicUrl.getScheme().toLowerCase(Locale.ROOT))
                        || publicUrl.getRawQuery() != null
                        || publicUrl.getRawFragment() != null)) {
            throw new IllegalArgumentException(
                    "The public URL must be an http or https address with a host and no query, "
                            + "e.g. https://shop.example.com, not " + publicUrl);
        }
    }

    /** Settings with no link in the emails. */
    public MailSettings(final String from, final Smtp smtp, final Path outbox, final Duration redeliveryDelay) {
        this(from, smtp, outbox, redeliveryDelay, null);
    }

    /** Settings with the default redelivery delay and no link in the emails. */
    public MailSettings(final String from, final Smtp smtp, final Path outbox) {
        this(from, smtp, outbox, DEFAULT_REDELIVERY_DELAY);
    }

    /** How the connection to the mail server is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which the server must offer (usually port 587). */
        STARTTLS,
        /** TLS from the first byte (SMTPS, usually port 465). */
        TLS,
        /** No encryption: only for a server on a trusted network or in tests. */
        NONE;

        static Security parse(final String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SMTP security must be starttls, tls or none, not " + name, e);
            }
        }
    }

    /** A mail server; {@code user} null means no authentication. */
    public record Smtp(String host, int port, String user, String password, Security security) {

        public Smtp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(security, "security");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Not a valid SMTP port: " + port);
            }
        }

        /** Never shows the password, so that a settings object can be logged. */
        @Override
        public String toString() {
            return "smtp://" + (user == null ? "" : user + "@") + host + ":" + port + " ("
                    + security.name().toLowerCase(Locale.ROOT) + ")";
        }
    }

    /**
     * The settings from the {@code run} options: an SMTP server when {@code host} is given,
     * else the outbox.
     *
     * @param security {@code starttls}, {@code tls} or {@code none}
     * @param publicUrl where customers reach the shop; null or blank: no link in the emails
     */
    public static MailSettings of(
            final String host,
            final int port,
            final String user,
            final String password,
            final String security,
            final String from,
            final Path outbox,
            final Duration redeliveryDelay,
            final String publicUrl) {
        final URI link = publicUrl == null || publicUrl.isBlank() ? null : uri(publicUrl.trim());
        if (host == null || host.isBlank()) {
            return new MailSettings(from, null, outbox, redeliveryDelay, link);
        }
        final String login = user == null || user.isBlank() ? null : user;
        return new MailSettings(
                from,
                new Smtp(host.trim(), port, login, login == null ? null : password, Security.parse(security)),
                outbox,
                redeliveryDelay,
                link);
    }

    private static URI uri(final String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("The public URL is no URL: " + text + " (" + e.getReason() + ")", e);
        }
    }

    /** Every email as a file in {@code outbox}, from the default sender. */
    public static MailSettings outbox(final Path outbox) {
        return new MailSettings(DEFAULT_FROM, null, outbox);
    }

    /** One line for the operator, without the password. */
    public String describe() {
        return (smtp == null
                        ? "outbox " + outbox.toAbsolutePath().normalize() + ", from " + from
                        : smtp + ", from " + from + ", an interrupted hand-over redelivered after "
                                + redeliveryDelay.toMillis() + " ms")
                + (publicUrl == null ? "" : ", linking to orders under " + publicUrl);
    }
}
