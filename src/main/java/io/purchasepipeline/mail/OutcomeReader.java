package io.purchasepipeline.mail;

import io.purchasepipeline.serdes.EmailOutcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads partitions of {@code email-outcomes} back for the {@link OutcomeLedger}: read-committed,
 * from the start to their end as it was when asked (the high watermark, so an earlier owner's
 * transaction still open is waited for), what each email's latest outcome says. An unreadable
 * record is skipped with a warning.
 */
final class OutcomeReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutcomeReader.class);

    /**
     * What one partition says: each email's latest status, when the emails left SENDING were
     * marked (their sender's clock), and the final outcomes still awaiting their count.
     */
    record Partition(
            Map<String, EmailOutcome.Status> statuses, Map<String, Long> marks, Map<String, EmailOutcome> uncounted) {}

    private final Consumer<String, EmailOutcome> reader;
    private final Admin admin;
    private final Duration timeout;

    /** @param reader a consumer without a group, read-committed */
    OutcomeReader(final Consumer<String, EmailOutcome> reader, final Admin admin, final Duration timeout) {
        this.reader = reader;
        this.admin = admin;
        this.timeout = timeout;
    }

    /** The partitions of {@code email-outcomes} read to their end, by partition number. */
    Map<Integer, Partition> read(final List<TopicPartition> outcomes) {
        final Map<TopicPartition, Long> ends = ends(outcomes);
        final Map<Integer, Partition> read = new HashMap<>();
        outcomes.forEach(partition ->
                read.put(partition.partition(), new Partition(new HashMap<>(), new HashMap<>(), new HashMap<>())));
        final long deadline = System.nanoTime() + timeout.toNanos();
        reader.assign(outcomes);
        try {
            reader.seekToBeginning(outcomes);
            while (outcomes.stream().anyMatch(partition -> reader.position(partition) < ends.get(partition))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("Reading " + outcomes + " to " + ends + " took longer than " + timeout);
                }
                try {
                    for (final ConsumerRecord<String, EmailOutcome> outcome : reader.poll(Duration.ofMillis(200))) {
                        apply(read.get(outcome.partition()), outcome);
                    }
                } catch (RecordDeserializationException e) {
                    log.warn(
                            "Skipping an unreadable outcome at {} offset {}: {}",
                            e.topicPartition(),
                            e.offset(),
                            e.getMessage());
                    reader.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } finally {
            reader.assign(List.of());
        }
        return read;
    }

    private Map<TopicPartition, Long> ends(final List<TopicPartition> outcomes) {
        try {
            // the high watermark, past any transaction still open: reading up to it waits for that transaction to end
            final Map<TopicPartition, OffsetSpec> latest =
                    outcomes.stream().collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
            final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ends.entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, end -> end.getValue().offset()));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException kafka ? kafka : new KafkaException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("No end offsets for " + outcomes + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while reading the end offsets of " + outcomes, e);
        }
    }

    private static void apply(final Partition partition, final ConsumerRecord<String, EmailOutcome> outcome) {
        if (outcome.key() == null) {
            return;
        }
        final EmailOutcome value = outcome.value();
        if (value != null && value.awaitsCount()) {
            partition.uncounted().put(outcome.key(), value);
        } else {
            partition.uncounted().remove(outcome.key());
        }
        if (value == null) {
            partition.statuses().remove(outcome.key());
        } else {
            partition.statuses().put(outcome.key(), value.status());
        }
        if (value != null && value.status() == EmailOutcome.Status.SENDING) {
            partition.marks().put(outcome.key(), value.at());
        } else {
            partition.marks().remove(outcome.key());
        }
    }

    @Override
    public void close() {
        reader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        admin.close(Duration.ofSeconds(5));
    }
}
