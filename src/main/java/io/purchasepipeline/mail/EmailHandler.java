package io.purchasepipeline.mail;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.purchasepipeline.runtime.DeadLetters;
import io.purchasepipeline.runtime.RecordSpans;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of one email read from {@code emails}: delivered (with its SENDING mark first when
 * the target cannot show a delivery), settled by what the ledger or the target already knows,
 * bounced, dead-lettered, or left to be read again once its partition may go on. The rules are the
 * ones {@link MailSender} describes. Each turn at an email is a span of its order's trace, with the
 * outcome it came to ({@code WAITING} when the email is read again later).
 */
final class EmailHandler {

    /** Under the mail sender's name, where operators look for what became of an email. */
    private static final Logger log = LoggerFactory.getLogger(MailSender.class);

    private static final AttributeKey<String> EMAIL_KIND = AttributeKey.stringKey("purchase.email.kind");

    private final OutcomeLedger ledger;
    private final Delivery delivery;
    private final MessageComposer composer;
    private final Attachments attachments;
    private final Waits waits;
    private final Duration redeliveryDelay;
    /** The sender's current membership of its group, which every ledger write proves. */
    private final Supplier<ConsumerGroupMetadata> group;

    private final RecordSpans spans;

    EmailHandler(
            final OutcomeLedger ledger,
            final Delivery delivery,
            final MessageComposer composer,
            final Attachments attachments,
            final Waits waits,
            final Duration redeliveryDelay,
            final Supplier<ConsumerGroupMetadata> group,
            final RecordSpans spans) {
        this.ledger = ledger;
        this.delivery = delivery;
        this.composer = composer;
        this.attachments = attachments;
        this.waits = waits;
        this.redeliveryDelay = redeliveryDelay;
        this.group = group;
        this.spans = spans;
    }

    /**
     * @param after the records that follow it in the poll, which a mark ahead of its hand-over may cover
     * @return true when the email is done with (its position may move on), false when it must be read again later
     */
    boolean handle(
            final TopicPartition partition,
            final ConsumerRecord<byte[], byte[]> record,
            final List<ConsumerRecord<byte[], byte[]>> after) {
        final EmailRequest email;
        try {
            email = readable(record);
        } catch (SerializationException | InvalidEmailException e) {
            return deadLetter(partition, record, e);
        }
        final Span span = spans.start("email send", record.headers(), Topics.EMAILS.name(), email.orderId())
                .setAttribute(EMAIL_KIND, email.kind().name());
        try (Scope scope = span.makeCurrent()) {
            final boolean done = handle(partition, record, email, after);
            if (!done) {
                span.setAttribute(RecordSpans.OUTCOME, "WAITING");
            }
            return done;
        } catch (RuntimeException e) {
            RecordSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private boolean handle(
            final TopicPartition partition,
            final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email,
            final List<ConsumerRecord<byte[], byte[]>> after) {
        final EmailOutcome.Status status = ledger.status(partition, email.emailId());
        if (status == EmailOutcome.Status.SENDING && ledger.reserved(partition, email.emailId())) {
            // marked ahead by this sender with an email before it: its hand-over has not begun
            return attempt(partition, record, email, after, false);
        }
        if (status == EmailOutcome.Status.SENDING) {
            return settleInterrupted(partition, record, email, after);
        }
        if (status != null) {
            log.debug("Email {} is {} already: not delivered again", email.emailId(), status);
            ledger.skip(partition, email.emailId(), record.offset() + 1);
            return true;
        }
        if (delivery.delivered(email.emailId())) {
            return complete(
                    partition, record, outcome(email, EmailOutcome.Status.SENT, "found in the " + delivery.target()));
        }
        return attempt(partition, record, email, after, false);
    }

    /** The email in {@code record}, checked for what every delivery needs. */
    private static EmailRequest readable(final ConsumerRecord<byte[], byte[]> record) {
        final EmailRequest email =
                Topics.EMAILS.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
        if (email == null) {
            throw new InvalidEmailException("a record without a value is no email");
        }
        if (email.emailId() == null || email.emailId().isBlank()) {
            throw new InvalidEmailException("an email without an emailId cannot be delivered once");
        }
        if (email.kind() == null) {
            throw new InvalidEmailException("email " + email.emailId() + " has no kind: there is nothing to write");
        }
        return email;
    }

    /** A record that no attempt can deliver goes to dead-letters, in one transaction with the position past it. */
    private boolean deadLetter(
            final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record, final Exception reason) {
        log.warn(
                "The record at {} offset {} is no email that can be delivered; it goes to {}: {}",
                partition,
                record.offset(),
                Topics.DEAD_LETTERS,
                reason.getMessage());
        try {
            ledger.deadLetter(partition, DeadLetters.of(record, reason), record.offset() + 1, group.get());
        } catch (OutcomeLedger.WriteFailed e) {
            return waitForAll("the dead letter cannot be written: " + e.getMessage());
        }
        waits.passed(partition);
        waits.available();
        return true;
    }

    /**
     * An email found SENDING: its hand-over was cut short (its sender stopped, or the connection
     * dropped after the message), or this sender delivered it and lost its partition before
     * writing so. A mail server cannot be asked whether it took the message, so, unless this sender
     * knows, it is handed over again with the same Message-ID once the redelivery delay since its
     * mark has passed.
     */
    private boolean settleInterrupted(
            final TopicPartition partition,
            final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email,
            final List<ConsumerRecord<byte[], byte[]>> after) {
        final EmailOutcome delivered = ledger.unwritten(email.emailId());
        if (delivered != null) {
            return complete(partition, record, delivered);
        }
        if (delivery.delivered(email.emailId())) {
            return complete(
                    partition, record, outcome(email, EmailOutcome.Status.SENT, "found in the " + delivery.target()));
        }
        if (delivery.repeatable()) {
            // the target shows every delivery it took, and this one is not there: it did not happen
            return attempt(partition, record, email, after, false);
        }
        final long markedAt = ledger.markedAt(partition, email.emailId());
        final boolean waited = waits.redeliveryWaited(partition, email.emailId());
        final Duration wait = redeliveryWait(redeliveryDelay, markedAt, System.currentTimeMillis());
        if (!waited && !wait.isZero()) {
            waits.hold(partition, email.emailId(), wait);
            return false;
        }
        log.warn(
                "Email {} ({} for order {} to {}) is handed over again with its Message-ID: its hand-over begun at {} was "
                        + "cut short, and the server may hold a copy already",
                email.emailId(),
                email.kind(),
                email.orderId(),
                email.to(),
                Instant.ofEpochMilli(markedAt));
        return attempt(partition, record, email, after, true);
    }

    /**
     * How long an email marked at {@code markedAt} still waits before it is handed over again: what
     * is left of the redelivery delay, never more than the delay itself (the mark carries the clock
     * of the machine that wrote it, which may run ahead of this one).
     */
    static Duration redeliveryWait(final Duration delay, final long markedAt, final long now) {
        final long left = markedAt + delay.toMillis() - now;
        return Duration.ofMillis(Math.max(0, Math.min(left, delay.toMillis())));
    }

    /**
     * @param redelivery whether an earlier hand-over of this email was cut short: then it ends
     *        REDELIVERED, and its SENDING mark stays whatever happens, as the server may hold it
     */
    private boolean attempt(
            final TopicPartition partition,
            final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email,
            final List<ConsumerRecord<byte[], byte[]>> after,
            final boolean redelivery) {
        final MimeMessage message;
        try {
            message = composer.compose(email, attachments.forEmail(email));
        } catch (AddressException e) {
            log.info("Email {} bounced: no valid recipient ({})", email.emailId(), e.getMessage());
            return complete(
                    partition,
                    record,
                    outcome(email, EmailOutcome.Status.BOUNCED, "invalid recipient: " + e.getMessage()));
        } catch (IOException | MessagingException | UncheckedIOException e) {
            return defer(partition, record, email, "cannot be composed: " + e);
        } catch (RuntimeException e) {
            // the same email fails the same way every time: waiting would only hold up its partition
            return deadLetter(partition, record, e);
        }
        try {
            delivery.ready();
        } catch (DeliveryFailure e) {
            return waitForAll(e.getMessage());
        }
        if (!delivery.repeatable()) {
            try {
                // the mark proves this sender still owns the partition before the message goes, again too
                if (redelivery) {
                    ledger.write(
                            partition,
                            email.emailId(),
                            outcome(
                                    email,
                                    EmailOutcome.Status.SENDING,
                                    "handing over again to " + delivery.target() + " after a hand-over cut short"),
                            record.offset(),
                            group.get());
                } else if (!ledger.reserved(partition, email.emailId())) {
                    ledger.reserve(partition, marksAhead(partition, email, after), record.offset(), group.get());
                }
            } catch (OutcomeLedger.WriteFailed e) {
                return waitForAll("the email outcomes cannot be written: " + e.getMessage());
            }
            if (!ledger.handOver(email.emailId(), group.get())) {
                return waitForAll("the outcome of the email before it cannot be written yet");
            }
        }
        final String answer;
        try {
            answer = delivery.deliver(message, email.emailId());
        } catch (DeliveryFailure failure) {
            return failed(partition, record, email, failure, redelivery);
        }
        log.debug("Email {} delivered: {}", email.emailId(), answer);
        waits.passed(partition);
        final EmailOutcome delivered =
                outcome(email, redelivery ? EmailOutcome.Status.REDELIVERED : EmailOutcome.Status.SENT, answer);
        if (delivery.repeatable()) {
            return complete(partition, record, delivered);
        }
        Span.current().setAttribute(RecordSpans.OUTCOME, delivered.status().name());
        ledger.settle(partition, delivered, record.offset() + 1);
        waits.available();
        return true;
    }

    /**
     * SENDING marks for this email and the ones after it in the poll that have no outcome yet, up to
     * {@link OutcomeLedger#MARK_AHEAD}: one transaction for them all. A record after it that is no
     * readable email is left to its own turn.
     */
    private List<EmailOutcome> marksAhead(
            final TopicPartition partition,
            final EmailRequest email,
            final List<ConsumerRecord<byte[], byte[]>> after) {
        final List<EmailOutcome> marks = new ArrayList<>();
        final Set<String> ids = new HashSet<>();
        marks.add(outcome(email, EmailOutcome.Status.SENDING, delivery.target()));
        ids.add(email.emailId());
        for (final ConsumerRecord<byte[], byte[]> next : after) {
            if (marks.size() == OutcomeLedger.MARK_AHEAD) {
                break;
            }
            final EmailRequest ahead;
            try {
                ahead = readable(next);
            } catch (SerializationException | InvalidEmailException e) {
                continue;
            }
            if (ids.add(ahead.emailId())
                    && ledger.status(partition, ahead.emailId()) == null
                    && ledger.unwritten(ahead.emailId()) == null) {
                marks.add(outcome(ahead, EmailOutcome.Status.SENDING, delivery.target()));
            }
        }
        return marks;
    }

    private boolean failed(
            final TopicPartition partition,
            final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email,
            final DeliveryFailure failure,
            final boolean redelivery) {
        return switch (failure.kind()) {
            case REFUSED -> {
                log.info("Email {} to {} bounced: {}", email.emailId(), email.to(), failure.getMessage());
                waits.passed(partition);
                yield complete(partition, record, outcome(email, EmailOutcome.Status.BOUNCED, failure.getMessage()));
            }
            case DEFERRED -> {
                if (!redelivery) {
                    withdraw(partition, record, email);
                }
                yield defer(partition, record, email, failure.getMessage());
            }
            case UNAVAILABLE -> {
                if (!redelivery) {
                    withdraw(partition, record, email);
                }
                yield waitForAll(failure.getMessage());
            }
            case UNCERTAIN -> {
                // as if its sender had stopped here: the mark stays, and the email goes again after the delay
                log.warn(
                        "Email {} ({} for order {} to {}) may or may not have been delivered: the connection failed after "
                                + "the message was sent ({}). It is handed over again in {} ms.",
                        email.emailId(),
                        email.kind(),
                        email.orderId(),
                        email.to(),
                        failure.getMessage(),
                        redeliveryDelay.toMillis());
                yield defer(partition, record, email, "connection lost after the message: " + failure.getMessage());
            }
        };
    }

    /**
     * Records an email's final outcome and moves past it. The outcome is written with the next
     * transaction (the next email's SENDING mark, or the flush at the end of the poll).
     */
    private boolean complete(
            final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record, final EmailOutcome outcome) {
        // the span of the email at hand, when it is traced
        Span.current().setAttribute(RecordSpans.OUTCOME, outcome.status().name());
        ledger.record(partition, outcome, record.offset() + 1);
        waits.available();
        return true;
    }

    /** The delivery certainly did not happen: the SENDING mark goes, so this or a later owner tries again. */
    private void withdraw(
            final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record, final EmailRequest email) {
        if (delivery.repeatable()) {
            // no mark was written ahead of it
            return;
        }
        try {
            ledger.write(partition, email.emailId(), null, record.offset(), group.get());
        } catch (OutcomeLedger.WriteFailed e) {
            log.warn(
                    "The SENDING mark of email {} could not be withdrawn ({}): this sender tries it again, another would "
                            + "take it as uncertain",
                    email.emailId(),
                    e.getMessage());
        }
    }

    private boolean defer(
            final TopicPartition partition,
            final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email,
            final String reason) {
        final Waits.Deferral deferral = waits.defer(partition, email.emailId());
        if (deferral.delay() == null) {
            log.warn(
                    "Email {} to {} deferred {} times, given up as bounced: {}",
                    email.emailId(),
                    email.to(),
                    deferral.attempts(),
                    reason);
            return complete(
                    partition,
                    record,
                    outcome(
                            email,
                            EmailOutcome.Status.BOUNCED,
                            "deferred " + deferral.attempts() + " times, last: " + reason));
        }
        log.warn(
                "Email {} deferred ({}); {} waits {} ms",
                email.emailId(),
                reason,
                partition,
                deferral.delay().toMillis());
        return false;
    }

    private boolean waitForAll(final String reason) {
        final Duration wait = waits.waitForAll();
        log.warn("No email can be delivered now ({}); trying again in {} ms", reason, wait.toMillis());
        return false;
    }

    private static EmailOutcome outcome(
            final EmailRequest email, final EmailOutcome.Status status, final String detail) {
        return new EmailOutcome(
                email.emailId(), email.kind(), email.orderId(), status, detail, System.currentTimeMillis());
    }
}
