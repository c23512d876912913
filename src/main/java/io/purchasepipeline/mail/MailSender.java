package io.purchasepipeline.mail;

import io.opentelemetry.api.OpenTelemetry;
import io.purchasepipeline.runtime.DeadLetters;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.RecordSpans;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's mail sender: reads {@code emails} (read-committed, in its own consumer group,
 * so instances share the partitions) and delivers each email, over SMTP or into the outbox.
 *
 * <p>The ledger ({@link OutcomeLedger}) is written before and after each delivery. SENDING is
 * recorded, and acknowledged by all in-sync replicas, before the message goes, in one transaction
 * for up to {@link OutcomeLedger#MARK_AHEAD} emails of a poll; SENT (or BOUNCED, when the server
 * refuses it for good) at once after, as one acknowledged record outside the transactions, which
 * the next hand-over waits for; the poll's last transaction counts them. Each transaction also
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
 *   <li>during the hand-over, or after it and before its SENT was acknowledged: SENDING, and the
 *       server may hold the message: it is handed over again, and the recipient may get two copies
 *       with the same Message-ID, which mail clients show as one;</li>
 *   <li>after SENT is acknowledged: settled, never sent again.</li>
 * </ul>
 * The emails after it that the same transaction marked ahead are found SENDING too, and go as the
 * cut-short one does (their first hand-over never began, so the server receives them once).
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

    /** Bytes, read here: a record that is no email is a dead letter, written as it was read. */
    private final Consumer<byte[], byte[]> consumer;

    private final OutcomeLedger ledger;
    private final Delivery delivery;
    private final Waits waits;
    private final EmailHandler emails;
    private final Thread thread;
    private volatile boolean running = true;

    private MailSender(
            final KafkaClients clients,
            final MailSettings settings,
            final Attachments attachments,
            final RetryPolicy retry,
            final Delivery delivery,
            final RecordSpans spans)
            throws AddressException {
        this.waits = new Waits(retry);
        this.delivery = delivery;
        // each email costs a round trip to the mail server and an acknowledged write; a poll's emails share a
        // transaction
        this.consumer = new KafkaConsumer<>(
                clients.groupConsumer(GROUP_ID, OutcomeLedger.MARK_AHEAD * 2),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.ledger = new OutcomeLedger(
                () -> MailKafka.ledgerProducer(clients),
                () -> MailKafka.acknowledger(clients),
                new KafkaConsumer<>(
                        MailKafka.ledgerReader(clients),
                        new StringDeserializer(),
                        Topics.EMAIL_OUTCOMES.valueSerde().deserializer()),
                clients.admin());
        this.emails = new EmailHandler(
                ledger,
                delivery,
                new MessageComposer(
                        Session.getInstance(new Properties()),
                        settings.from(),
                        new MailTemplates(settings.publicUrl())),
                attachments,
                waits,
                settings.redeliveryDelay(),
                consumer::groupMetadata,
                spans);
        this.thread = new Thread(this::run, "mail-sender");
    }

    /**
     * Starts delivering in a thread of its own.
     *
     * @param clients the Kafka connection (bootstrap servers, security)
     * @throws IllegalStateException when {@code emails} and {@code email-outcomes} are missing or
     *         not co-partitioned
     */
    public static MailSender start(
            final KafkaClients clients, final MailSettings settings, final Attachments attachments) {
        return start(clients, settings, attachments, TraceParent.UNTRACED);
    }

    /** The same, each email's handling a span of {@code telemetry}'s. */
    public static MailSender start(
            final KafkaClients clients,
            final MailSettings settings,
            final Attachments attachments,
            final OpenTelemetry telemetry) {
        return start(
                clients, settings, attachments, RetryPolicy.DEFAULT, delivery(settings), new RecordSpans(telemetry));
    }

    static MailSender start(
            final KafkaClients clients,
            final MailSettings settings,
            final Attachments attachments,
            final RetryPolicy retry) {
        return start(clients, settings, attachments, retry, delivery(settings));
    }

    static MailSender start(
            final KafkaClients clients,
            final MailSettings settings,
            final Attachments attachments,
            final RetryPolicy retry,
            final Delivery delivery) {
        return start(clients, settings, attachments, retry, delivery, RecordSpans.UNTRACED);
    }

    private static Delivery delivery(final MailSettings settings) {
        return settings.smtp() == null
                ? new OutboxDelivery(settings.outbox())
                : new SmtpDelivery(settings.smtp(), settings.from());
    }

    private static MailSender start(
            final KafkaClients clients,
            final MailSettings settings,
            final Attachments attachments,
            final RetryPolicy retry,
            final Delivery delivery,
            final RecordSpans spans) {
        MailKafka.checkTopics(clients);
        clients.askGroupForItsSettings(GROUP_ID);
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
            final List<ConsumerRecord<byte[], byte[]>> polled = records.records(partition);
            for (int i = 0; i < polled.size(); i++) {
                final ConsumerRecord<byte[], byte[]> record = polled.get(i);
                // an email not done is read again when its partition may go on
                if (mustWait(partition, System.nanoTime())
                        || !emails.handle(partition, record, polled.subList(i + 1, polled.size()))) {
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

    private boolean mustWait(final TopicPartition partition, final long now) {
        return waits.waiting(partition, now) || !ledger.loaded(partition);
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
                .filter(partition -> !ledger.loaded(partition))
                .toList();
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
            waits.forget(partitions);
        }
    }
}
