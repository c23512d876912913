package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.StreamProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.eclipse.angus.mail.util.MailStreamProvider;
import org.junit.jupiter.api.Test;

/** The message of an email, without a server: words, escaping, ids and headers. */
class MessageComposerTest {

    private final Session session = Session.getInstance(new Properties());
    private final MessageComposer composer = new MessageComposer(session, "shop@example.com", new MailTemplates());

    MessageComposerTest() throws AddressException {}

    @Test
    void everyKindHasASubjectAndBothBodiesWithEveryPlaceholderFilled() throws Exception {
        for (final EmailKind kind : EmailKind.values()) {
            final MimeMessage message = written(composer.compose(email("order-1", kind, "Ann"), List.of()));

            assertThat(message.getSubject())
                    .as("subject of %s", kind)
                    .contains("order-1")
                    .doesNotContain("{{");
            final Multipart body = (Multipart) message.getContent();
            assertThat(body.getContentType()).startsWith("multipart/alternative");
            assertThat(body.getBodyPart(0).getContentType()).startsWith("text/plain; charset=UTF-8");
            assertThat(body.getBodyPart(1).getContentType()).startsWith("text/html; charset=UTF-8");
            assertThat((String) body.getBodyPart(0).getContent())
                    .contains("Hello Ann,")
                    .doesNotContain("{{");
            assertThat((String) body.getBodyPart(1).getContent())
                    .startsWith("<!DOCTYPE html>")
                    .contains("<p>Hello Ann,</p>")
                    .doesNotContain("{{");
        }
    }

    @Test
    void aCompletionEmailListsItsEbooksAndSaysAttachedOnlyWhenTheyAre() throws Exception {
        final EmailRequest email = SampleEmails.withEbooks(
                email("order-6", EmailKind.ORDER_COMPLETED, "Ann"),
                List.of(new EbookTitle("ebook-a", "Kafka in Depth")));

        final Multipart body =
                (Multipart) written(composer.compose(email, List.of())).getContent();

        assertThat(((String) body.getBodyPart(0).getContent()).replace("\r\n", "\n"))
                .contains("Your order includes these e-books:\n- Kafka in Depth")
                .doesNotContain("attached");
        assertThat((String) body.getBodyPart(1).getContent()).contains("<li>Kafka in Depth</li>");
    }

    @Test
    void theMessageIdIsTheEmailsOwnAndSurvivesSaving() throws Exception {
        final EmailRequest email = email("order-3", EmailKind.ORDER_RECEIVED, "Ann");
        final MimeMessage message = composer.compose(email, List.of());

        message.saveChanges();

        assertThat(written(message).getMessageID())
                .isEqualTo("<order-3=2Forder_received@purchase-pipeline>")
                .isEqualTo(EmailIds.messageId(email.emailId()));
    }

    @Test
    void distinctIdsGetDistinctTokensThatAreSafeAsFileNames() {
        final List<String> tokens = Stream.of(
                        "a/b", "a=2Fb", "a_b", "a.b", "../../etc/passwd", "é", "x".repeat(400), "x".repeat(399) + "y")
                .map(EmailIds::token)
                .toList();

        assertThat(tokens).doesNotHaveDuplicates().allMatch(token -> token.matches("[A-Za-z0-9_=-]{1,185}"));
        assertThat(EmailIds.token("3f1c-9/order_completed")).isEqualTo("3f1c-9=2Forder_completed");
    }

    @Test
    void aLineBreakInAValueStartsNoHeader() throws Exception {
        final EmailRequest email = email("order-4\r\nBcc: victim@example.com", EmailKind.ORDER_EXPIRED, "Ann");

        final MimeMessage message = written(composer.compose(email, List.of()));

        assertThat(message.getHeader("Bcc")).isNull();
        assertThat(message.getSubject()).isEqualTo("Your order order-4 Bcc: victim@example.com has expired");
    }

    @Test
    void anInvalidRecipientFailsAsAnAddressError() {
        final EmailRequest email = SampleEmails.of(EmailKind.ORDER_RECEIVED, "order-5", "Ann", "not an address");

        assertThatThrownBy(() -> composer.compose(email, List.of())).isInstanceOf(AddressException.class);
    }

    @Test
    void namesTheStreamProviderSoThatWritingAPartSearchesNoJars() throws Exception {
        final String property = StreamProvider.class.getName();
        final String before = System.clearProperty(property);
        try {
            new MessageComposer(session, "shop@example.com", new MailTemplates());

            assertThat(System.getProperty(property)).isEqualTo(MailStreamProvider.class.getName());
            assertThat(StreamProvider.provider()).isInstanceOf(MailStreamProvider.class);
        } finally {
            restore(property, before);
        }
    }

    @Test
    void keepsAStreamProviderNamedBefore() throws Exception {
        final String property = StreamProvider.class.getName();
        final String before = System.setProperty(property, "com.example.OwnStreamProvider");
        try {
            new MessageComposer(session, "shop@example.com", new MailTemplates());

            assertThat(System.getProperty(property)).isEqualTo("com.example.OwnStreamProvider");
        } finally {
            restore(property, before);
        }
    }

    private static void restore(final String property, final String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    private static EmailRequest email(final String orderId, final EmailKind kind, final String name) {
        return SampleEmails.of(kind, orderId, name, "ann@example.com");
    }

    /** The message as a reader of the written bytes sees it. */
    private MimeMessage written(final MimeMessage message) throws Exception {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        return new MimeMessage(session, new ByteArrayInputStream(bytes.toByteArray()));
    }
}
