package io.purchasepipeline.cli;

import io.purchasepipeline.mail.MailSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the mail sender delivers, shared by {@code run} and {@code worker mail}. */
final class MailOptions {

    @Option(
            names = "--smtp-host",
            defaultValue = "${env:SMTP_HOST}",
            description =
                    "The mail server (env SMTP_HOST); none: emails are written as .eml files into <data-dir>/outbox")
    private String smtpHost;

    @Option(
            names = "--smtp-port",
            defaultValue = "${env:SMTP_PORT:-587}",
            description = "The mail server's port (env SMTP_PORT, default 587)")
    private int smtpPort;

    @Option(
            names = "--smtp-user",
            defaultValue = "${env:SMTP_USER}",
            description = "The mail server login (env SMTP_USER); none: no login")
    private String smtpUser;

    @Option(
            names = "--smtp-password",
            defaultValue = "${env:SMTP_PASSWORD}",
            description = "The mail server password (env SMTP_PASSWORD, which keeps it out of the process list)")
    private String smtpPassword;

    @Option(
            names = "--smtp-tls",
            defaultValue = "${env:SMTP_TLS:-starttls}",
            description = "starttls, tls (SMTPS) or none (env SMTP_TLS, default starttls)")
    private String smtpTls;

    @Option(
            names = "--mail-from",
            defaultValue = "${env:MAIL_FROM:-" + MailSettings.DEFAULT_FROM + "}",
            description =
                    "The sender address of every email (env MAIL_FROM, default " + MailSettings.DEFAULT_FROM + ")")
    private String mailFrom;

    @Option(
            names = "--mail-redelivery-delay",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "${env:MAIL_REDELIVERY_DELAY:-5s}",
            description = "How long after a hand-over to the mail server was cut short (its sender stopped, or the "
                    + "connection dropped after the message) the email is handed over again, with the same Message-ID "
                    + "(env MAIL_REDELIVERY_DELAY, default 5s)")
    private Duration mailRedeliveryDelay;

    @Option(
            names = "--public-url",
            defaultValue = "${env:PUBLIC_URL}",
            paramLabel = "URL",
            description = "Where customers reach the shop, e.g. https://shop.example.com (env PUBLIC_URL): every email "
                    + "links to its order at <URL>/orders/<id>; none: the emails carry no link")
    private String publicUrl;

    MailSettings settings(final Path dataDir) {
        return MailSettings.of(
                smtpHost,
                smtpPort,
                smtpUser,
                smtpPassword,
                smtpTls,
                mailFrom,
                dataDir.resolve("outbox"),
                mailRedeliveryDelay,
                publicUrl);
    }
}
