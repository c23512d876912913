package io.purchasepipeline.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers over SMTP, on one connection kept open between emails and checked (NOOP) before each.
 *
 * <p>A failure is sorted by what the server said. A 5xx reply to the recipient or the content is
 * a bounce; a 4xx reply defers the email; no connection, a refused login or a refused sender
 * (a 5xx to MAIL FROM is about our settings, not this email) make every email wait. A failure
 * that comes after the end of the message was sent, before the server's reply, leaves the
 * delivery uncertain: the server may have queued it, and the mail sender hands it over again
 * later with the same Message-ID.
 */
final class SmtpDelivery implements Delivery {

    private static final Logger log = LoggerFactory.getLogger(SmtpDelivery.class);
    private static final String TIMEOUT_MS = "20000";

    private final MailSettings.Smtp smtp;
    private final Session session;
    private final boolean ssl;
    private MarkingTransport transport;

    SmtpDelivery(final MailSettings.Smtp smtp, final String from) {
        this.smtp = smtp;
        this.ssl = smtp.security() == MailSettings.Security.TLS;
        final String prefix = "mail." + protocol() + ".";
        final Properties props = new Properties();
        props.put(prefix + "host", smtp.host());
        props.put(prefix + "port", Integer.toString(smtp.port()));
        props.put(prefix + "from", from);
        props.put(prefix + "auth", Boolean.toString(smtp.user() != null));
        props.put(prefix + "connectiontimeout", TIMEOUT_MS);
        props.put(prefix + "timeout", TIMEOUT_MS);
        props.put(prefix + "writetimeout", TIMEOUT_MS);
        if (smtp.security() == MailSettings.Security.STARTTLS) {
            props.put(prefix + "starttls.enable", "true");
            props.put(prefix + "starttls.required", "true");
        }
        if (smtp.security() != MailSettings.Security.NONE) {
            props.put(prefix + "ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(props);
    }

    @Override
    public void ready() throws DeliveryFailure {
        if (transport != null && transport.isConnected()) {
            return;
        }
        close();
        final MarkingTransport fresh = new MarkingTransport(session, protocol(), ssl);
        try {
            fresh.connect(smtp.host(), smtp.port(), smtp.user(), smtp.password());
        } catch (MessagingException e) {
            throw new DeliveryFailure(
                    DeliveryFailure.Kind.UNAVAILABLE,
                    "cannot connect to " + target() + ": " + oneLine(e.getMessage()),
                    e);
        }
        transport = fresh;
        log.info("Connected to the mail server {}", target());
    }

    @Override
    public boolean delivered(final String emailId) {
        return false;
    }

    @Override
    public boolean repeatable() {
        return false;
    }

    @Override
    public String deliver(final MimeMessage message, final String emailId) throws DeliveryFailure {
        transport.dataEnded = false;
        try {
            transport.sendMessage(message, message.getAllRecipients());
            return oneLine(transport.getLastServerResponse());
        } catch (MessagingException e) {
            final DeliveryFailure failure = classify(e, transport.dataEnded);
            if (failure.kind() == DeliveryFailure.Kind.UNAVAILABLE
                    || failure.kind() == DeliveryFailure.Kind.UNCERTAIN) {
                close();
            }
            throw failure;
        }
    }

    static DeliveryFailure classify(final MessagingException failure, final boolean dataEnded) {
        int code = -1;
        String reply = null;
        boolean senderRefused = false;
        final boolean addressInvalid = failure instanceof SendFailedException sendFailed
                && sendFailed.getInvalidAddresses() != null
                && sendFailed.getInvalidAddresses().length > 0;
        for (Exception cause = failure;
                cause != null;
                cause = cause instanceof MessagingException messaging ? messaging.getNextException() : null) {
            if (cause instanceof SMTPSenderFailedException sender) {
                senderRefused = true;
                code = sender.getReturnCode();
                reply = sender.getMessage();
            } else if (cause instanceof SMTPAddressFailedException address && code < 0) {
                code = address.getReturnCode();
                reply = address.getMessage();
            } else if (cause instanceof SMTPSendFailedException send && code < 0) {
                code = send.getReturnCode();
                reply = send.getMessage();
            }
        }
        final String detail = oneLine(reply != null ? reply : failure.getMessage());
        if (senderRefused) {
            return new DeliveryFailure(DeliveryFailure.Kind.UNAVAILABLE, "sender refused: " + detail, failure);
        }
        if (addressInvalid || code >= 500 && code <= 599) {
            return new DeliveryFailure(DeliveryFailure.Kind.REFUSED, detail, failure);
        }
        if (code >= 400 && code <= 499) {
            return new DeliveryFailure(DeliveryFailure.Kind.DEFERRED, detail, failure);
        }
        if (dataEnded) {
            return new DeliveryFailure(DeliveryFailure.Kind.UNCERTAIN, detail, failure);
        }
        return new DeliveryFailure(DeliveryFailure.Kind.UNAVAILABLE, detail, failure);
    }

    @Override
    public String target() {
        return smtp.toString();
    }

    @Override
    public void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                log.debug("Closing the connection to {} failed", target(), e);
            }
            transport = null;
        }
    }

    private String protocol() {
        return ssl ? "smtps" : "smtp";
    }

    private static String oneLine(final String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /**
     * Marks the moment the end of the message goes to the server: a failure before it means the
     * server has not taken the message, a failure after it leaves that open.
     */
    private static final class MarkingTransport extends SMTPTransport {

        private boolean dataEnded;

        MarkingTransport(final Session session, final String protocol, final boolean ssl) {
            super(session, new URLName(protocol, null, -1, null, null, null), protocol, ssl);
        }

        @Override
        protected void finishData() throws IOException, MessagingException {
            dataEnded = true;
            super.finishData();
        }
    }
}
