package io.purchasepipeline.mail;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.purchasepipeline.runtime.DeadLetters;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.RecordSpans;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's mail sender: reads {@code emails} (read-committed, in its own consumer group,
 * so instances share the partitions) and delivers each email, over SMTP or into the outbox.
 *
 * <p>The ledger ({@link OutcomeLedger}) is written before and after each delivery. SENDING is
 * recorded, and acknowledged by all in-sync replicas, before the message goes; SENT (or BOUNCED,
 * when the server refuses it for good) after, in the same transaction as the next email's SENDING
 * (or at the end of the poll), so each delivery costs one transaction. Each transaction also
 * commits the sender's position on {@code emails}, and only a current member of the group may
 * commit it, so a sender cut off from the group cannot mark an email, and so does not send it. An
 * email with a settled outcome (SENT, REDELIVERED, BOUNCED) is never delivered again, whatever is
 * replayed and whichever instance reads it. A delivery that certainly did not happen (the server
 * deferred it, or could not be reached) withdraws its SENDING, and the email waits: its partition
 * is paused when the server defers just this email, every partition when no email can go.
 *
 * <p><b>At least once at the SMTP boundary, exactly once everywhere else.</b> A mail server cannot
 * be asked whether it took a message, and a message it took cannot be taken back, so no ledger
 * write can be made atomic with a hand-over. Where a sender stops decides what the next owner of
 * the partition (this sender restarted, or another instance) finds and does:
 * <ul>
 *   <li>before SENDING is committed: no outcome, and the position is before the email: it is
 *       delivered as if for the first time, once;</li>
 *   <li>after SENDING, before the message's end went to the server: SENDING, and the server has
 *       nothing: it is handed over again (one copy in all);</li>
 *   <li>during the hand-over, or after it and before its SENT was committed: SENDING, and the
 *       server may hold the message: it is handed over again, and the recipient may get two copies
 *       with the same Message-ID, which mail clients show as one;</li>
 *   <li>after SENT is committed: settled, never sent again.</li>
 * </ul>
 * An email handed over again waits until the redelivery delay ({@link MailSettings#redeliveryDelay})
 * has passed since its SENDING mark (a hand-over still finishing elsewhere ends first; the copy
 * still lands next to the first), is marked SENDING again (which proves the new owner's membership
 * again), and ends REDELIVERED. A connection that drops after the end of the message, before the
 * server's reply, leaves the same doubt and is handled the same way. Losing the email instead
 * would lose an order confirmation or a paid e-book; a second copy of a message costs the
 * recipient nothing. So every email reaches the server at least once, and a second copy only
 * follows a cut-short hand-over: at most one per sender that stopped in it. Everything on the
 * Kafka side (the outcomes, the positions, the dead letters) is written exactly once.
 *
 * <p>The outbox needs no SENDING mark ({@link Delivery#repeatable}): its file proves a delivery,
 * and writing it again changes nothing, so its outcomes are written together at the end of each
 * poll, one transaction for up to a poll's emails, and an email found SENDING (or without an
 * outcome) is settled by its file. Positions on {@code emails} are committed with the outcomes,
 * never before them.
 *
 * <p>A record that is no email it can deliver (unreadable, without an id or a kind, or one that
 * fails to compose the same way every time) goes to {@code dead-letters} as it was read, with the
 * reason, topic, partition and offset in the headers Kafka Streams uses ({@link DeadLetters}), in
 * one transaction with the position past it; the emails after it go on.
 *
 * <p>Each turn at an email is a span of its order's trace, a child of the email record's context,
 * with the outcome it came to ({@code WAITING} when the email is read again later).
 */
public final class MailSender implements AutoCloseable {

    /** The consumer group of every instance's mail sender. */
    public static final String GROUP_ID = "purchase-pipeline-mail";

    private static final Logger log = LoggerFactory.getLogger(MailSender.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final AttributeKey<String> EMAIL_KIND = AttributeKey.stringKey("purchase.email.kind");

    /** Bytes, read here: a record that is no email is a dead letter, written as it was read. */
    private final Consumer<byte[], byte[]> consumer;
    private final OutcomeLedger ledger;
    private final Delivery delivery;
    private final MessageComposer composer;
    private final Attachments attachments;
    private final RetryPolicy retry;
    private final RecordSpans spans;
    private final Duration redeliveryDelay;
    private final Thread thread;
    private volatile boolean running = true;

    /** Per partition: the email the server deferred, how often in a row, and until when the partition waits. */
    private final Map<TopicPartition, Backoff> deferred = new HashMap<>();
    /** Set while no email can go (server, outbox or ledger unavailable): every partition waits until then. */
    private Backoff unavailable;

    /** @param redeliveryDelay whether this wait is the redelivery delay of a SENDING email, which waits it once */
    private record Backoff(String emailId, int attempts, long untilNanos, boolean redeliveryDelay) {
        boolean waiting(final long now) {
            return now - untilNanos < 0;
        }
    }

    private MailSender(final KafkaClients clients, final MailSettings settings, final Attachments attachments,
            final RetryPolicy retry, final Delivery delivery, final RecordSpans spans) throws AddressException {
        this.attachments = attachments;
        this.retry = retry;
        this.spans = spans;
        this.redeliveryDelay = settings.redeliveryDelay();
        this.composer = new MessageComposer(Session.getInstance(new Properties()), settings.from(),
                new MailTemplates(settings.publicUrl()));
        this.delivery = delivery;
        // each email costs a round trip to the mail server and one small transaction
        this.consumer = new KafkaConsumer<>(clients.groupConsumer(GROUP_ID, 50), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.ledger = new OutcomeLedger(() -> transactionalProducer(clients), new KafkaConsumer<>(ledgerReader(clients),
                new StringDeserializer(), Topics.EMAIL_OUTCOMES.valueSerde().deserializer()), clients.admin());
        this.thread = new Thread(this::run, "mail-sender");
    }

    /**
     * Starts delivering in a thread of its own.
     *
     * @param clients the Kafka connection (bootstrap servers, security)
     * @throws IllegalStateException when {@code emails} and {@code email-outcomes} are missing or
     *         not co-partitioned
     */
    public static MailSender start(final KafkaClients clients, final MailSettings settings, final Attachments attachments) {
        return start(clients, settings, attachments, TraceParent.UNTRACED);
    }

    /** The same, each email's handling a span of {@code telemetry}'s. */
    public static MailSender start(final KafkaClients clients, final MailSettings settings, final Attachments attachments,
            final OpenTelemetry telemetry) {
        return start(clients, settings, attachments, RetryPolicy.DEFAULT, delivery(settings), new RecordSpans(telemetry));
    }

    static MailSender start(final KafkaClients clients, final MailSettings settings, final Attachments attachments,
            final RetryPolicy retry) {
        return start(clients, settings, attachments, retry, delivery(settings));
    }

    static MailSender start(final KafkaClients clients, final MailSettings settings, final Attachments attachments,
            final RetryPolicy retry, final Delivery delivery) {
        return start(clients, settings, attachments, retry, delivery, RecordSpans.UNTRACED);
    }

    private static Delivery delivery(final MailSettings settings) {
        return settings.smtp() == null ? new OutboxDelivery(settings.outbox()) : new SmtpDelivery(settings.smtp(), settings.from());
    }

    private static MailSender start(final KafkaClients clients, final MailSettings settings, final Attachments attachments,
            final RetryPolicy retry, final Delivery delivery, final RecordSpans spans) {
        checkTopics(clients);
        final MailSender sender;
        try {
            sender = new MailSender(clients, settings, attachments, retry, delivery, spans);
        } catch (AddressException e) {
            throw new IllegalArgumentException("Not a valid sender address: " + settings.from(), e);
        }
        sender.thread.start();
        log.info("Mail sender started: {}", settings.describe());
        return sender;
    }

    /** The outcomes must sit on the partition number of their email: same key, same partition count. */
    private static void checkTopics(final KafkaClients clients) {
        final List<String> topics = List.of(Topics.EMAILS.name(), Topics.EMAIL_OUTCOMES.name());
        try (Admin admin = clients.admin()) {
            final Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final Set<Integer> counts = new HashSet<>();
            described.values().forEach(topic -> counts.add(topic.partitions().size()));
            if (counts.size() != 1) {
                throw new IllegalStateException(topics + " must have the same number of partitions, as an email's outcome "
                        + "is kept on the partition of the email; they have " + described.values().stream()
                        .map(topic -> topic.name() + ": " + topic.partitions().size()).toList());
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The mail sender needs the topics " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics " + topics, e);
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.EMAILS.name()), new Rebalance());
            while (running) {
                loadMissingLedgers();
                pauseWaitingPartitions();
                handle(consumer.poll(POLL));
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("The mail sender was woken up while running; it stops", e);
            }
        } catch (RuntimeException e) {
            log.error("The mail sender stopped: no email is delivered by this instance until it restarts", e);
        } finally {
            closeQuietly();
        }
    }

    private void handle(final ConsumerRecords<byte[], byte[]> records) {
        for (final TopicPartition partition : records.partitions()) {
            for (final ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                // an email not done is read again when its partition may go on
                if (mustWait(partition, System.nanoTime()) || !handle(partition, record)) {
                    consumer.seek(partition, record.offset());
                    break;
                }
            }
        }
        try {
            ledger.flush(consumer.groupMetadata());
        } catch (OutcomeLedger.WriteFailed e) {
            log.warn("The positions of emails already handled are not committed yet: {}", e.getMessage());
        }
    }

    /** @return true when the email is done with (its position may move on), false when it must be read again later */
    private boolean handle(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record) {
        final EmailRequest email;
        try {
            email = readable(record);
        } catch (SerializationException | InvalidEmailException e) {
            return deadLetter(partition, record, e);
        }
        final Span span = spans.start("email send", record.headers(), Topics.EMAILS.name(), email.orderId())
                .setAttribute(EMAIL_KIND, email.kind().name());
        try (Scope scope = span.makeCurrent()) {
            final boolean done = handle(partition, record, email);
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

    private boolean handle(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email) {
        final EmailOutcome.Status status = ledger.status(partition, email.emailId());
        if (status == EmailOutcome.Status.SENDING) {
            return settleInterrupted(partition, record, email);
        }
        if (status != null) {
            log.debug("Email {} is {} already: not delivered again", email.emailId(), status);
            ledger.skip(partition, record.offset() + 1);
            return true;
        }
        if (delivery.delivered(email.emailId())) {
            return complete(partition, record, outcome(email, EmailOutcome.Status.SENT, "found in the " + delivery.target()));
        }
        return attempt(partition, record, email, false);
    }

    /** The email in {@code record}, checked for what every delivery needs. */
    private static EmailRequest readable(final ConsumerRecord<byte[], byte[]> record) {
        final EmailRequest email = Topics.EMAILS.valueSerde().deserializer().deserialize(record.topic(), record.headers(),
                record.value());
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
    private boolean deadLetter(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record, final Exception reason) {
        log.warn("The record at {} offset {} is no email that can be delivered; it goes to {}: {}", partition, record.offset(),
                Topics.DEAD_LETTERS, reason.getMessage());
        try {
            ledger.deadLetter(partition, DeadLetters.of(record, reason), record.offset() + 1, consumer.groupMetadata());
        } catch (OutcomeLedger.WriteFailed e) {
            return waitForAll("the dead letter cannot be written: " + e.getMessage());
        }
        deferred.remove(partition);
        unavailable = null;
        return true;
    }

    /**
     * An email found SENDING: its hand-over was cut short (its sender stopped, or the connection
     * dropped after the message), or this sender delivered it and lost its partition before
     * writing so. A mail server cannot be asked whether it took the message, so, unless this sender
     * knows, it is handed over again with the same Message-ID once the redelivery delay since its
     * mark has passed.
     */
    private boolean settleInterrupted(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email) {
        final EmailOutcome delivered = ledger.unwritten(email.emailId());
        if (delivered != null) {
            return complete(partition, record, delivered);
        }
        if (delivery.delivered(email.emailId())) {
            return complete(partition, record, outcome(email, EmailOutcome.Status.SENT, "found in the " + delivery.target()));
        }
        if (delivery.repeatable()) {
            // the target shows every delivery it took, and this one is not there: it did not happen
            return attempt(partition, record, email, false);
        }
        final long markedAt = ledger.markedAt(partition, email.emailId());
        final Backoff held = deferred.get(partition);
        final boolean waited = held != null && held.redeliveryDelay() && held.emailId().equals(email.emailId());
        final Duration wait = redeliveryWait(redeliveryDelay, markedAt, System.currentTimeMillis());
        if (!waited && !wait.isZero()) {
            hold(partition, email, wait);
            return false;
        }
        log.warn("Email {} ({} for order {} to {}) is handed over again with its Message-ID: its hand-over begun at {} was "
                + "cut short, and the server may hold a copy already", email.emailId(), email.kind(), email.orderId(),
                email.to(), java.time.Instant.ofEpochMilli(markedAt));
        return attempt(partition, record, email, true);
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

    /** The partition waits out the redelivery delay at {@code email}, keeping the count of its deferrals. */
    private void hold(final TopicPartition partition, final EmailRequest email, final Duration wait) {
        final Backoff previous = deferred.get(partition);
        final int attempts = previous != null && previous.emailId().equals(email.emailId()) ? previous.attempts() : 0;
        deferred.put(partition, new Backoff(email.emailId(), attempts, System.nanoTime() + wait.toNanos(), true));
    }

    /**
     * @param redelivery whether an earlier hand-over of this email was cut short: then it ends
     *        REDELIVERED, and its SENDING mark stays whatever happens, as the server may hold it
     */
    private boolean attempt(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email, final boolean redelivery) {
        final MimeMessage message;
        try {
            message = composer.compose(email, attachments.forEmail(email));
        } catch (AddressException e) {
            log.info("Email {} bounced: no valid recipient ({})", email.emailId(), e.getMessage());
            return complete(partition, record,
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
                ledger.write(partition, email.emailId(), outcome(email, EmailOutcome.Status.SENDING, redelivery
                        ? "handing over again to " + delivery.target() + " after a hand-over cut short" : delivery.target()),
                        record.offset(), consumer.groupMetadata());
            } catch (OutcomeLedger.WriteFailed e) {
                return waitForAll("the email outcomes cannot be written: " + e.getMessage());
            }
        }
        final String answer;
        try {
            answer = delivery.deliver(message, email.emailId());
        } catch (DeliveryFailure failure) {
            return failed(partition, record, email, failure, redelivery);
        }
        log.debug("Email {} delivered: {}", email.emailId(), answer);
        deferred.remove(partition);
        return complete(partition, record, outcome(email, redelivery ? EmailOutcome.Status.REDELIVERED
                : EmailOutcome.Status.SENT, answer));
    }

    private boolean failed(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email, final DeliveryFailure failure, final boolean redelivery) {
        return switch (failure.kind()) {
            case REFUSED -> {
                log.info("Email {} to {} bounced: {}", email.emailId(), email.to(), failure.getMessage());
                deferred.remove(partition);
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
                log.warn("Email {} ({} for order {} to {}) may or may not have been delivered: the connection failed after "
                        + "the message was sent ({}). It is handed over again in {} ms.", email.emailId(), email.kind(),
                        email.orderId(), email.to(), failure.getMessage(), redeliveryDelay.toMillis());
                yield defer(partition, record, email, "connection lost after the message: " + failure.getMessage());
            }
        };
    }

    /**
     * Records an email's final outcome and moves past it. The outcome is written with the next
     * transaction (the next email's SENDING mark, or the flush at the end of the poll).
     */
    private boolean complete(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record,
            final EmailOutcome outcome) {
        // the span of the email at hand, when it is traced
        Span.current().setAttribute(RecordSpans.OUTCOME, outcome.status().name());
        ledger.record(partition, outcome, record.offset() + 1);
        unavailable = null;
        return true;
    }

    /** The delivery certainly did not happen: the SENDING mark goes, so this or a later owner tries again. */
    private void withdraw(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email) {
        if (delivery.repeatable()) {
            // no mark was written ahead of it
            return;
        }
        try {
            ledger.write(partition, email.emailId(), null, record.offset(), consumer.groupMetadata());
        } catch (OutcomeLedger.WriteFailed e) {
            log.warn("The SENDING mark of email {} could not be withdrawn ({}): this sender tries it again, another would "
                    + "take it as uncertain", email.emailId(), e.getMessage());
        }
    }

    private boolean defer(final TopicPartition partition, final ConsumerRecord<byte[], byte[]> record,
            final EmailRequest email, final String reason) {
        final Backoff previous = deferred.get(partition);
        final int attempts = previous != null && previous.emailId().equals(email.emailId()) ? previous.attempts() + 1 : 1;
        if (attempts >= retry.deferrals()) {
            deferred.remove(partition);
            log.warn("Email {} to {} deferred {} times, given up as bounced: {}", email.emailId(), email.to(), attempts, reason);
            return complete(partition, record, outcome(email, EmailOutcome.Status.BOUNCED,
                    "deferred " + attempts + " times, last: " + reason));
        }
        final Duration wait = retry.delay(attempts);
        deferred.put(partition, new Backoff(email.emailId(), attempts, System.nanoTime() + wait.toNanos(), false));
        log.warn("Email {} deferred ({}); {} waits {} ms", email.emailId(), reason, partition, wait.toMillis());
        return false;
    }

    private boolean waitForAll(final String reason) {
        final int attempts = unavailable == null ? 1 : unavailable.attempts() + 1;
        final Duration wait = retry.delay(attempts);
        unavailable = new Backoff(null, attempts, System.nanoTime() + wait.toNanos(), false);
        log.warn("No email can be delivered now ({}); trying again in {} ms", reason, wait.toMillis());
        return false;
    }

    private boolean mustWait(final TopicPartition partition, final long now) {
        final Backoff partitionBackoff = deferred.get(partition);
        return unavailable != null && unavailable.waiting(now) || !ledger.loaded(partition)
                || partitionBackoff != null && partitionBackoff.waiting(now);
    }

    /** Partitions that must wait fetch nothing; the others go on (the consumer keeps its place in the group meanwhile). */
    private void pauseWaitingPartitions() {
        final long now = System.nanoTime();
        final Set<TopicPartition> waiting = new HashSet<>();
        final Set<TopicPartition> going = new HashSet<>();
        for (final TopicPartition partition : consumer.assignment()) {
            (mustWait(partition, now) ? waiting : going).add(partition);
        }
        consumer.pause(waiting);
        consumer.resume(going);
    }

    private void loadMissingLedgers() {
        final List<TopicPartition> missing = consumer.assignment().stream()
                .filter(partition -> !ledger.loaded(partition)).toList();
        if (!missing.isEmpty()) {
            load(missing);
        }
    }

    private void load(final Collection<TopicPartition> partitions) {
        try {
            ledger.load(partitions, consumer);
        } catch (KafkaException e) {
            if (e instanceof WakeupException) {
                throw e;
            }
            log.warn("The email outcomes of {} cannot be read yet ({}); their emails wait", partitions, e.toString());
        }
    }

    private static EmailOutcome outcome(final EmailRequest email, final EmailOutcome.Status status, final String detail) {
        return new EmailOutcome(email.emailId(), email.kind(), email.orderId(), status, detail, System.currentTimeMillis());
    }

    /** Stops after the email at hand (its outcome is written), and leaves the group. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("The mail sender did not stop within {}", STOP_WAIT);
        }
    }

    private void closeQuietly() {
        delivery.close();
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        } catch (KafkaException e) {
            log.debug("Closing the mail sender's consumer failed", e);
        }
        ledger.close();
    }

    /** Moves the ledger with the partitions: loaded for what comes, dropped for what goes. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            try {
                ledger.flush(consumer.groupMetadata());
            } catch (OutcomeLedger.WriteFailed e) {
                log.debug("Positions not committed before a rebalance: {}", e.getMessage());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            load(partitions);
        }

        private void forget(final Collection<TopicPartition> partitions) {
            ledger.forget(partitions);
            partitions.forEach(deferred::remove);
        }
    }

    private static Properties ledgerReader(final KafkaClients clients) {
        final Properties props = clients.committedReader();
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return props;
    }

    /** The ledger's producer: its id unique to this sender, as fencing comes from the consumer group (each commit carries its generation). */
    static Properties transactionalProducerProps(final KafkaClients clients) {
        return clients.transactionalProducer(GROUP_ID + "-" + UUID.randomUUID(), OutcomeLedger.TRANSACTION_TIMEOUT);
    }

    private static Producer<byte[], byte[]> transactionalProducer(final KafkaClients clients) {
        final Properties props = transactionalProducerProps(clients);
        final Producer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return producer;
    }
}
