package io.purchasepipeline.system;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the emails a test SMTP server receives by Message-ID, and drops each message once counted,
 * so a long run does not keep every email (with its e-book attachments) in memory: a 100,000-order
 * chaos run requests about 200,000 emails. A message that arrives while counting is left for the
 * next count; only the messages counted are expunged.
 */
final class DeliveredMail {

    private final GreenMail smtp;
    private final Map<String, Long> byMessageId = new HashMap<>();

    DeliveredMail(final GreenMail smtp) {
        this.smtp = smtp;
    }

    /** Counts what arrived since the last call and drops it from the server; returns the emails delivered so far. */
    synchronized long collect() throws FolderException, MessagingException {
        final ImapHostManager mailboxes = smtp.getManagers().getImapHostManager();
        for (final GreenMailUser user : List.copyOf(smtp.getUserManager().listUser())) {
            final MailFolder inbox = mailboxes.getInbox(user);
            for (final StoredMessage message : List.copyOf(inbox.getMessages())) {
                byMessageId.merge(message.getMimeMessage().getMessageID(), 1L, Long::sum);
                inbox.setFlags(new Flags(Flags.Flag.DELETED), true, message.getUid(), null, false);
            }
            inbox.expunge();
        }
        return byMessageId.size();
    }

    /** Message-ID → how many times it was delivered, over everything collected. */
    synchronized Map<String, Long> deliveries() {
        return Map.copyOf(byMessageId);
    }
}
