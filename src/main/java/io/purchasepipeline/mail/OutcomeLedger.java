package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EmailCounts;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 300 lines: the ledger's marks, writes and flush share one transaction protocol that is easiest checked in
// one place (reading the ledger back is OutcomeReader's).
/**
 * The mail sender's ledger: what became of each email, on the compacted {@code email-outcomes}
 * topic, keyed by email id and written to the same partition number as the email on
 * {@code emails}, so the owner of an email partition owns its outcomes too.
 *
 * <p>Every write is a Kafka transaction that also commits the sender's position on
 * {@code emails} for its consumer group. The group coordinator accepts that commit only from a
 * current member of the group, so a sender that lost its partitions without noticing (paused too
 * long, cut off) cannot record an email as being sent, and so does not send it.
 *
 * <p>An owner reads the outcomes of a partition before it handles the partition's emails. It
 * first asks for the group's committed position, which Kafka answers only once no transaction of
 * an earlier owner touching that position is open; it then reads the outcomes, read-committed, up
 * to their end as it was after that. So whatever an earlier owner recorded as being sent, this
 * one knows.
 *
 * <p>Each transaction that settles emails also writes their count ({@link EmailCounts}) to
 * {@code email-counts}, which is what analytics reads: one record per transaction, not two per
 * email.
 *
 * <p>Over SMTP, one transaction marks the emails of a poll SENDING ahead ({@link #reserve}), up
 * to {@link #MARK_AHEAD} at a time, and each email's outcome is written at once after its
 * hand-over ({@link #settle}) as a single acknowledged record outside any transaction, flagged
 * uncounted: known to the next owner before the next hand-over begins, so a sender that stops
 * leaves at most one email handed over without its outcome, as when each email had a transaction
 * of its own. The transactions stay what proves membership and moves positions; the next one
 * writes the outcomes again, counted, with their count. An outcome found uncounted (its sender
 * stopped before that transaction) is counted by the next owner in its own next transaction.
 * Marks ahead whose emails were not handed over by the end of the poll are withdrawn in the
 * poll's last transaction; left by a sender that stopped, they look like cut-short hand-overs and
 * their emails are handed over by the next owner after the redelivery delay (once, as their first
 * hand-over never began).
 */
final class OutcomeLedger implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutcomeLedger.class);

    /** A transaction holds a poll's marks and a position; a sender that dies in one holds up its partition this long at most. */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for an earlier owner's open transaction to end or be aborted by the broker. */
    private static final Duration LOAD_TIMEOUT = TRANSACTION_TIMEOUT.plusSeconds(50);

    /** Emails marked SENDING ahead by one transaction: it is amortised over them, and a poll holds no more than this per partition. */
    static final int MARK_AHEAD = 25;

    private static final String OUTCOMES = Topics.EMAIL_OUTCOMES.name();

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Supplier<Producer<byte[], byte[]>> acknowledgers;
    private final OutcomeReader reader;
    /** Null after a fatal error: made again for the next write. */
    private Producer<byte[], byte[]> producer;
    /** Writes each outcome at once after its hand-over, outside the transactions; null until the first. */
    private Producer<byte[], byte[]> acknowledger;
    /** Per partition number: the final outcomes found uncounted (their sender stopped before counting them). */
    private final Map<Integer, Map<String, EmailOutcome>> uncounted = new HashMap<>();
    /** Emails this sender marked SENDING ahead and has not handed over yet, by email id. */
    private final Map<String, TopicPartition> reserved = new HashMap<>();
    /** Whether an outcome of a hand-over is staged that could not be written at once: the next hand-over waits for it. */
    private boolean unacknowledged;
    /** Per partition number of {@code emails}: the latest status of each email id there. */
    private final Map<Integer, Map<String, EmailOutcome.Status>> statuses = new HashMap<>();
    /** Per partition number: when each email that is SENDING there was marked, which sets when it may go again. */
    private final Map<Integer, Map<String, Long>> marks = new HashMap<>();
    /** Positions of emails that needed no outcome (already handled), committed with the next write. */
    private final Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    /** Final outcomes recorded here and not yet written: they go with the next transaction, whatever it is. */
    private final List<Staged> staged = new ArrayList<>();

    /**
     * Final outcomes of partitions this sender lost before it could write them: if a partition
     * comes back, its emails are found SENDING, and this says they were in fact delivered.
     */
    private final Map<String, EmailOutcome> unwritten = new HashMap<>();

    private record Staged(TopicPartition emails, EmailOutcome outcome) {}

    /**
     * A write that did not happen, as far as this sender can tell (a commit that timed out may
     * still land; writing the same outcome again then does no harm).
     */
    static final class WriteFailed extends Exception {
        WriteFailed(final RuntimeException cause) {
            super(cause.toString(), cause);
        }
    }

    /**
     * @param producers makes a transactional producer, ready ({@code initTransactions} done)
     * @param acknowledgers makes an idempotent producer, acknowledged by all in-sync replicas, for the outcomes written at once
     * @param reader a consumer without a group, read-committed, for loading outcomes
     */
    OutcomeLedger(
            final Supplier<Producer<byte[], byte[]>> producers,
            final Supplier<Producer<byte[], byte[]>> acknowledgers,
            final Consumer<String, EmailOutcome> reader,
            final Admin admin) {
        this.producers = producers;
        this.acknowledgers = acknowledgers;
        this.reader = new OutcomeReader(reader, admin, LOAD_TIMEOUT);
    }

    boolean loaded(final TopicPartition emails) {
        return statuses.containsKey(emails.partition());
    }

    /** The latest status of an email in a loaded partition, null when it has none. */
    EmailOutcome.Status status(final TopicPartition emails, final String emailId) {
        return statuses.get(emails.partition()).get(emailId);
    }

    /** When the SENDING mark of an email in a loaded partition was written (its sender's clock, epoch ms), 0 when unknown. */
    long markedAt(final TopicPartition emails, final String emailId) {
        return marks.get(emails.partition()).getOrDefault(emailId, 0L);
    }

    /**
     * Reads the outcomes of these partitions of {@code emails} (see the class comment). On failure
     * they stay not loaded, and their emails must wait.
     *
     * @param group the sender's consumer, member of the group that owns the partitions
     */
    void load(final Collection<TopicPartition> emails, final Consumer<?, ?> group) {
        if (emails.isEmpty()) {
            return;
        }
        group.committed(Set.copyOf(emails), LOAD_TIMEOUT);
        final Map<Integer, OutcomeReader.Partition> read = reader.read(emails.stream()
                .map(partition -> new TopicPartition(OUTCOMES, partition.partition()))
                .toList());
        read.forEach((partition, outcomes) -> {
            statuses.put(partition, outcomes.statuses());
            marks.put(partition, outcomes.marks());
            uncounted.put(partition, outcomes.uncounted());
        });
        log.info(
                "Email outcomes loaded for partitions {} of {}: {} emails known",
                emails.stream().map(TopicPartition::partition).sorted().toList(),
                Topics.EMAILS.name(),
                read.values().stream()
                        .mapToInt(outcomes -> outcomes.statuses().size())
                        .sum());
    }

    /** Drops what this sender knew of partitions it no longer owns. */
    void forget(final Collection<TopicPartition> emails) {
        for (final TopicPartition partition : emails) {
            statuses.remove(partition.partition());
            marks.remove(partition.partition());
            uncounted.remove(partition.partition());
            reserved.values().removeIf(partition::equals);
            positions.remove(partition);
            staged.stream()
                    .filter(outcome -> outcome.emails().equals(partition))
                    .forEach(outcome -> unwritten.put(outcome.outcome().emailId(), outcome.outcome()));
            staged.removeIf(outcome -> outcome.emails().equals(partition));
        }
    }

    /**
     * The email before {@code next} is settled already and is not delivered again; its position is
     * committed with the next write, and its count too if the sender that settled it stopped before
     * writing that.
     */
    void skip(final TopicPartition emails, final String emailId, final long next) {
        final EmailOutcome found = uncounted.get(emails.partition()).remove(emailId);
        if (found != null) {
            staged.add(new Staged(emails, found.asCounted()));
        }
        positions.put(emails, new OffsetAndMetadata(next));
    }

    /** Whether this sender marked the email SENDING ahead and has not handed it over yet. */
    boolean reserved(final TopicPartition emails, final String emailId) {
        return emails.equals(reserved.get(emailId));
    }

    /**
     * Marks emails SENDING ahead of their hand-overs, in one transaction (with the outcomes recorded
     * before and the position of the first of them), and waits for it.
     */
    void reserve(
            final TopicPartition emails,
            final List<EmailOutcome> sending,
            final long position,
            final ConsumerGroupMetadata group)
            throws WriteFailed {
        positions.put(emails, new OffsetAndMetadata(position));
        commit(
                sending.stream()
                        .map(mark -> outcomeRecord(emails, mark.emailId(), mark))
                        .toList(),
                group);
        for (final EmailOutcome mark : sending) {
            statuses.get(emails.partition()).put(mark.emailId(), EmailOutcome.Status.SENDING);
            marks.get(emails.partition()).put(mark.emailId(), mark.at());
            reserved.put(mark.emailId(), emails);
        }
    }

    /**
     * The email is about to be handed over: it is no longer a mark ahead to withdraw, and every
     * outcome of an earlier hand-over must be known to the next owner first.
     *
     * @return false when an earlier outcome cannot be written yet, and the email must wait
     */
    boolean handOver(final String emailId, final ConsumerGroupMetadata group) {
        if (unacknowledged) {
            try {
                commit(List.of(), group);
            } catch (WriteFailed e) {
                log.warn("An email waits: the outcome of the one before it cannot be written ({})", e.getMessage());
                return false;
            }
        }
        reserved.remove(emailId);
        return true;
    }

    /**
     * Records the final outcome of a hand-over as {@link #record} does, and writes it at once,
     * outside the transactions, flagged uncounted: a sender that stops after this leaves the email
     * settled, not SENDING. A write that fails leaves the outcome to the next transaction, which the
     * next hand-over waits for.
     */
    void settle(final TopicPartition emails, final EmailOutcome outcome, final long next) {
        record(emails, outcome, next);
        try {
            if (acknowledger == null) {
                acknowledger = acknowledgers.get();
            }
            // no bound of its own: the producer's delivery timeout ends it, so nothing of it lands after what follows
            acknowledger
                    .send(outcomeRecord(emails, outcome.emailId(), outcome.asUncounted()))
                    .get();
        } catch (ExecutionException | KafkaException e) {
            unacknowledged = true;
            log.warn("The outcome of email {} goes with the next transaction: {}", outcome.emailId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unacknowledged = true;
        }
    }

    /**
     * Records an email's final outcome (SENT, REDELIVERED, BOUNCED) and the position past it, to be
     * written, counted, with the next transaction (the next marks, or {@link #flush} at the end of a
     * poll). Known here at once; if this sender stops before that transaction, an email that was
     * not also {@link #settle settled} stays as the next owner finds it (SENDING, or nothing), and
     * that owner hands it over again if it must.
     */
    void record(final TopicPartition emails, final EmailOutcome outcome, final long next) {
        staged.add(new Staged(emails, outcome));
        unwritten.remove(outcome.emailId());
        reserved.remove(outcome.emailId());
        positions.put(emails, new OffsetAndMetadata(next));
        statuses.get(emails.partition()).put(outcome.emailId(), outcome.status());
        marks.get(emails.partition()).remove(outcome.emailId());
    }

    /** The final outcome this sender knows for an email of a partition it lost before writing it, or null. */
    EmailOutcome unwritten(final String emailId) {
        return unwritten.get(emailId);
    }

    /**
     * Records an outcome and the sender's position in one transaction (with any outcome recorded
     * before it), and waits for it.
     *
     * @param outcome null withdraws a SENDING that turned out not to be sent, so that the email is
     *        tried again (known at once here, even when the write fails)
     * @param next the position to commit: the email's own offset while it is not done, the one after it when done
     */
    void write(
            final TopicPartition emails,
            final String emailId,
            final EmailOutcome outcome,
            final long next,
            final ConsumerGroupMetadata group)
            throws WriteFailed {
        if (outcome == null) {
            statuses.get(emails.partition()).remove(emailId);
            marks.get(emails.partition()).remove(emailId);
        }
        positions.put(emails, new OffsetAndMetadata(next));
        commit(List.of(outcomeRecord(emails, emailId, outcome)), group);
        if (outcome != null) {
            statuses.get(emails.partition()).put(emailId, outcome.status());
            if (outcome.status() == EmailOutcome.Status.SENDING) {
                marks.get(emails.partition()).put(emailId, outcome.at());
            }
        }
    }

    /**
     * Writes the dead letter of a record that is no email it can deliver, with the sender's
     * position past it, in one transaction: the letter is written once, and the record is not
     * read again, whatever stops the sender when.
     */
    void deadLetter(
            final TopicPartition emails,
            final ProducerRecord<byte[], byte[]> letter,
            final long next,
            final ConsumerGroupMetadata group)
            throws WriteFailed {
        positions.put(emails, new OffsetAndMetadata(next));
        commit(List.of(letter), group);
    }

    /**
     * Commits the outcomes recorded and the positions of skipped emails, if any, and withdraws the
     * marks ahead of emails not handed over (they are read again, and marked again when they go).
     */
    void flush(final ConsumerGroupMetadata group) throws WriteFailed {
        if (positions.isEmpty() && staged.isEmpty() && reserved.isEmpty()) {
            return;
        }
        final Map<String, TopicPartition> withdrawn = Map.copyOf(reserved);
        commit(
                withdrawn.entrySet().stream()
                        .map(mark -> outcomeRecord(mark.getValue(), mark.getKey(), null))
                        .toList(),
                group);
        withdrawn.forEach((emailId, emails) -> {
            reserved.remove(emailId);
            statuses.get(emails.partition()).remove(emailId);
            marks.get(emails.partition()).remove(emailId);
        });
    }

    private static ProducerRecord<byte[], byte[]> outcomeRecord(
            final TopicPartition emails, final String emailId, final EmailOutcome outcome) {
        return new ProducerRecord<>(
                OUTCOMES,
                emails.partition(),
                Topics.EMAIL_OUTCOMES.keySerde().serializer().serialize(OUTCOMES, emailId),
                Topics.EMAIL_OUTCOMES.valueSerde().serializer().serialize(OUTCOMES, outcome));
    }

    /** The final outcomes of a transaction, counted for analytics (every staged outcome is final). */
    private static ProducerRecord<byte[], byte[]> countsRecord(final List<Staged> finals) {
        long sent = 0;
        long bounced = 0;
        for (final Staged outcome : finals) {
            if (outcome.outcome().status() == EmailOutcome.Status.BOUNCED) {
                bounced++;
            } else {
                sent++;
            }
        }
        final String topic = Topics.EMAIL_COUNTS.name();
        return new ProducerRecord<>(
                topic,
                finals.get(0).emails().partition(),
                null,
                Topics.EMAIL_COUNTS.valueSerde().serializer().serialize(topic, new EmailCounts(sent, bounced)));
    }

    private void commit(final List<ProducerRecord<byte[], byte[]>> records, final ConsumerGroupMetadata group)
            throws WriteFailed {
        try {
            if (producer == null) {
                producer = producers.get();
            }
            producer.beginTransaction();
            // the outcomes recorded before go first: an email's SENT lands before the next one's SENDING
            for (final Staged outcome : staged) {
                producer.send(outcomeRecord(
                        outcome.emails(),
                        outcome.outcome().emailId(),
                        outcome.outcome().asCounted()));
            }
            if (!staged.isEmpty()) {
                // counted in the transaction that settles them: exactly once, whatever stops the sender when
                producer.send(countsRecord(staged));
            }
            for (final ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.sendOffsetsToTransaction(Map.copyOf(positions), group);
            producer.commitTransaction();
            positions.clear();
            staged.clear();
            unacknowledged = false;
        } catch (KafkaException | IllegalStateException e) {
            abort();
            throw new WriteFailed(e);
        }
    }

    /** Aborts the open transaction; a producer that cannot (fenced, broken) is replaced on the next write. */
    private void abort() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            log.warn("Replacing the email outcomes producer, which cannot abort its transaction: {}", e.toString());
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (acknowledger != null) {
            acknowledger.close(Duration.ofSeconds(5));
        }
        reader.close();
    }
}
