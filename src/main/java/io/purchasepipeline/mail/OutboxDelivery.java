package io.purchasepipeline.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Delivers by writing each email as an RFC 822 {@code .eml} file into the outbox folder, named
 * after the email id. The file is written under a temporary name, forced to disk and renamed into
 * place, so a file under an email's name is always whole: its presence proves the delivery.
 */
final class OutboxDelivery implements Delivery {

    /** Enough for a message without attachments in one write; an e-book goes in a few. */
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;

    private final Path outbox;

    OutboxDelivery(final Path outbox) {
        this.outbox = outbox.toAbsolutePath().normalize();
    }

    @Override
    public void ready() throws DeliveryFailure {
        try {
            Files.createDirectories(outbox);
        } catch (IOException e) {
            throw new DeliveryFailure(
                    DeliveryFailure.Kind.UNAVAILABLE, "cannot create the outbox " + outbox + ": " + e, e);
        }
    }

    @Override
    public boolean delivered(final String emailId) {
        return Files.isRegularFile(fileOf(emailId));
    }

    /** The same email id is the same file, written whole under its name or not at all. */
    @Override
    public boolean repeatable() {
        return true;
    }

    @Override
    public String deliver(final MimeMessage message, final String emailId) throws DeliveryFailure {
        final Path file = fileOf(emailId);
        // hidden, and a name of its own per attempt: readers of the outbox skip it, two writers never share it
        final Path temp = outbox.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                write(message, channel);
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return file.getFileName().toString();
        } catch (IOException | MessagingException e) {
            if (delivered(emailId)) {
                return file.getFileName().toString();
            }
            throw new DeliveryFailure(DeliveryFailure.Kind.UNAVAILABLE, "cannot write " + file + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a left-over hidden temporary file is harmless; the next write uses another name
            }
        }
    }

    /**
     * Jakarta Mail writes a message a few bytes at a time (headers, line endings, base64 lines):
     * unbuffered, each of those is a system call, thousands for an email with an e-book.
     */
    static void write(final MimeMessage message, final WritableByteChannel channel)
            throws IOException, MessagingException {
        final OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), WRITE_BUFFER_BYTES);
        message.writeTo(out);
        out.flush();
    }

    @Override
    public String target() {
        return "outbox " + outbox;
    }

    @Override
    public void close() {
        // nothing held open between emails
    }

    private Path fileOf(final String emailId) {
        return outbox.resolve(EmailIds.fileName(emailId));
    }
}
