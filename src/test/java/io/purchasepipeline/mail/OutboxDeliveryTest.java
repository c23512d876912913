package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's files: whole, named after the email, written in few system calls. */
class OutboxDeliveryTest {

    @TempDir
    Path dir;

    private final MessageComposer composer =
            new MessageComposer(Session.getInstance(new Properties()), "shop@example.com", new MailTemplates());

    OutboxDeliveryTest() throws Exception {}

    @Test
    void writesAMessageInAFewLargeWritesNotOneForEveryLine() throws Exception {
        final Path pdf = dir.resolve("ebook.pdf");
        final byte[] content = new byte[150_000];
        new Random(7).nextBytes(content);
        Files.write(pdf, content);
        final MimeMessage message = composer.compose(email("order-1"), List.of(pdf));
        final CountingChannel channel = new CountingChannel();

        OutboxDelivery.write(message, channel);

        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        message.writeTo(expected);
        assertThat(channel.bytes.toByteArray()).isEqualTo(expected.toByteArray());
        // about 200 KB: a handful of writes (the parts flush as they end); unbuffered, thousands
        assertThat(channel.writes).hasSizeLessThan(20);
    }

    @Test
    void deliversEachEmailAsOneWholeFileUnderItsName() throws Exception {
        final OutboxDelivery outbox = new OutboxDelivery(dir.resolve("outbox"));
        outbox.ready();
        final EmailRequest email = email("order-2");

        final String name = outbox.deliver(composer.compose(email, List.of()), email.emailId());

        assertThat(outbox.delivered(email.emailId())).isTrue();
        try (var files = Files.list(dir.resolve("outbox"))) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly(name);
        }
        assertThat(new MimeMessage(
                                null, Files.newInputStream(dir.resolve("outbox").resolve(name)))
                        .getMessageID())
                .isEqualTo(EmailIds.messageId(email.emailId()));
    }

    private static EmailRequest email(final String orderId) {
        return SampleEmails.of(EmailKind.ORDER_COMPLETED, orderId, "Ann", "ann@example.com");
    }

    /** A channel that keeps what it is given and the size of every write. */
    private static final class CountingChannel implements WritableByteChannel {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<Integer> writes = new ArrayList<>();

        @Override
        public int write(final ByteBuffer src) {
            final int n = src.remaining();
            final byte[] chunk = new byte[n];
            src.get(chunk);
            bytes.write(chunk, 0, n);
            writes.add(n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}
