package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EmailRequest;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import jakarta.mail.util.StreamProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.eclipse.angus.mail.util.MailStreamProvider;

/**
 * Builds the message for an email: from, to, subject, a stable Message-ID, and a
 * multipart/alternative body (plain text and HTML), inside a multipart/mixed one when files are
 * attached.
 */
final class MessageComposer {

    private static final String CHARSET = "UTF-8";

    private final Session session;
    private final InternetAddress from;
    private final MailTemplates templates;

    MessageComposer(final Session session, final String from, final MailTemplates templates) throws AddressException {
        nameTheStreamProvider();
        this.session = session;
        this.from = new InternetAddress(from, true);
        this.templates = templates;
    }

    /**
     * Jakarta Mail 2.1 finds its stream provider with a ServiceLoader scan of the class path's jars
     * each time a body part is made or written (jakartaee/mail-api issues 699 and 861): in a
     * profile of the mail sender that was about half of its CPU. Named in its system property, the
     * provider is loaded by class name instead. A value already set is kept.
     */
    static void nameTheStreamProvider() {
        System.getProperties().putIfAbsent(StreamProvider.class.getName(), MailStreamProvider.class.getName());
    }

    /**
     * @throws AddressException when the recipient is no valid address: no attempt can succeed
     */
    MimeMessage compose(final EmailRequest email, final List<Path> attachments) throws MessagingException, IOException {
        if (email.to() == null || email.to().isBlank()) {
            throw new AddressException("The email has no recipient");
        }
        final InternetAddress to = new InternetAddress(email.to(), true);
        final MailTemplates.Rendered words = templates.render(email, !attachments.isEmpty());

        final MimeMessage message = new StableIdMessage(session, EmailIds.messageId(email.emailId()));
        message.setFrom(from);
        message.setRecipient(MimeMessage.RecipientType.TO, to);
        // a line break in an id or a name must not start a header of its own
        message.setSubject(words.subject().replaceAll("[\\r\\n\\t]+", " "), CHARSET);
        message.setSentDate(new Date());

        final MimeBodyPart text = new MimeBodyPart();
        text.setText(words.text(), CHARSET);
        final MimeBodyPart html = new MimeBodyPart();
        html.setText(words.html(), CHARSET, "html");
        final MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        if (attachments.isEmpty()) {
            message.setContent(alternative);
        } else {
            final MimeBodyPart body = new MimeBodyPart();
            body.setContent(alternative);
            final MimeMultipart mixed = new MimeMultipart("mixed", body);
            for (final Path file : attachments) {
                mixed.addBodyPart(attachment(file));
            }
            message.setContent(mixed);
        }
        message.saveChanges();
        return message;
    }

    /**
     * The file is read now, whole: a file that cannot be read fails the composing (the email waits
     * and is tried again), never the transfer to the mail server halfway.
     */
    private static MimeBodyPart attachment(final Path file) throws IOException, MessagingException {
        final String name = file.getFileName().toString();
        final String type =
                name.toLowerCase(Locale.ROOT).endsWith(".pdf") ? "application/pdf" : "application/octet-stream";
        final MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(Files.readAllBytes(file), type)));
        part.setFileName(name);
        part.setDisposition(Part.ATTACHMENT);
        return part;
    }

    /** Jakarta Mail makes a new Message-ID on every save; this one keeps the email's own. */
    private static final class StableIdMessage extends MimeMessage {

        private final String messageId;

        StableIdMessage(final Session session, final String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
