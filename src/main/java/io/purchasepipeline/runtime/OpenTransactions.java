package io.purchasepipeline.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What holds a partition's last stable offset back: the transactions open on it, as its leader
 * sees them, and what their coordinators say of each. Under exactly-once a restore reads a changelog
 * up to its high watermark with a {@code read_committed} consumer, which cannot pass the first
 * offset of an open transaction: a restore that does not move is waiting for one of these to end.
 * A transaction open on a partition that its coordinator does not have as open on it is a hanging
 * transaction (KIP-664): nothing will end it but an abort by hand.
 */
public final class OpenTransactions {

    /** A coordinator's states of a transaction that has not ended on every partition yet. */
    private static final Set<TransactionState> UNFINISHED = EnumSet.of(
            TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT,
            TransactionState.PREPARE_EPOCH_FENCE);

    private OpenTransactions() {}

    /** A partition's offsets and the transactions open on it. */
    public record Partition(TopicPartition partition, long lastStable, long highWatermark, List<Open> open) {

        /** The open transactions whose coordinators do not have them as open on this partition. */
        public List<Open> hanging() {
            return open.stream()
                    .filter(transaction -> !transaction.coordinatorHasItOpenOn(partition))
                    .toList();
        }

        /** One line: the offsets, then each open transaction, and what ends a hanging one. */
        public String describe(final long nowMs, final String bootstrapServers) {
            final StringBuilder line = new StringBuilder()
                    .append("last stable offset ")
                    .append(lastStable)
                    .append(", high watermark ")
                    .append(highWatermark);
            if (open.isEmpty()) {
                return line.append(lastStable < highWatermark ? "; no transaction open on it" : "; nothing held back")
                        .toString();
            }
            for (final Open transaction : open) {
                line.append("; ").append(transaction.describe(partition, nowMs));
                if (!transaction.coordinatorHasItOpenOn(partition)) {
                    line.append(": a hanging transaction, which `kafka-transactions.sh --bootstrap-server ")
                            .append(bootstrapServers)
                            .append(" abort --topic ")
                            .append(partition.topic())
                            .append(" --partition ")
                            .append(partition.partition())
                            .append(" --start-offset ")
                            .append(transaction.startOffset())
                            .append("` ends");
                }
            }
            return line.toString();
        }
    }

    /**
     * A transaction open on a partition.
     *
     * @param coordinatorEpoch the coordinator epoch of its producer's last marker on the partition, -1 if none
     * @param transactionalId its producer's, or null when no coordinator lists the producer
     * @param coordinator what the coordinator says of the transactional id now, or null
     */
    public record Open(
            long producerId,
            int epoch,
            long startOffset,
            long lastWriteMs,
            int coordinatorEpoch,
            String transactionalId,
            TransactionDescription coordinator) {

        /**
         * Whether its coordinator has aborted it without its marker reaching the partition: the
         * coordinator does not have it open on the partition and has moved on from it, to a later
         * epoch of the same producer or to another producer of its transactional id, and will write
         * no marker for it any more. (A transaction that no coordinator lists is not counted: its
         * transactional id may merely have expired.)
         */
        public boolean abandoned(final TopicPartition partition) {
            return coordinator != null
                    && !coordinatorHasItOpenOn(partition)
                    && (coordinator.producerId() != producerId || coordinator.producerEpoch() > epoch);
        }

        /** Whether the coordinator has this producer's transaction open, with this partition in it. */
        public boolean coordinatorHasItOpenOn(final TopicPartition partition) {
            return coordinator != null
                    && coordinator.producerId() == producerId
                    && UNFINISHED.contains(coordinator.state())
                    && coordinator.topicPartitions().contains(partition);
        }

        String describe(final TopicPartition partition, final long nowMs) {
            final String opened = "producer " + producerId + " (epoch " + epoch
                    + ") has a transaction open from offset "
                    + startOffset + ", last written "
                    + Duration.ofMillis(Math.max(0, nowMs - lastWriteMs)).toSeconds()
                    + " s ago";
            if (transactionalId == null) {
                return opened + ", which no coordinator lists";
            }
            if (coordinator == null) {
                return opened + " as " + transactionalId + ", which its coordinator could not describe";
            }
            return opened + " as " + transactionalId + ", which its coordinator has as " + coordinator.state()
                    + " (producer " + coordinator.producerId() + ", epoch " + coordinator.producerEpoch()
                    + (coordinator.topicPartitions().contains(partition) ? "" : ", without this partition") + ")";
        }
    }

    /** The offsets and open transactions of {@code partitions}, asked of the cluster within {@code timeout}. */
    public static Map<TopicPartition, Partition> of(
            final Admin admin, final Collection<TopicPartition> partitions, final Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Map<TopicPartition, OffsetSpec> latest =
                partitions.stream().collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
        // the last stable offset first: asked second, it could be past the high watermark asked first
        final var lastStable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(left(deadline), TimeUnit.NANOSECONDS);
        final var highWatermarks = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                .all()
                .get(left(deadline), TimeUnit.NANOSECONDS);
        final var producers = admin.describeProducers(partitions).all().get(left(deadline), TimeUnit.NANOSECONDS);

        final Set<Long> openProducers = producers.values().stream()
                .flatMap(state -> state.activeProducers().stream())
                .filter(producer -> producer.currentTransactionStartOffset().isPresent())
                .map(ProducerState::producerId)
                .collect(Collectors.toSet());
        final Map<Long, String> transactionalIds = new HashMap<>();
        final Map<String, TransactionDescription> descriptions = new HashMap<>();
        if (!openProducers.isEmpty()) {
            for (final TransactionListing listing : admin.listTransactions(
                            new ListTransactionsOptions().filterProducerIds(openProducers))
                    .all()
                    .get(left(deadline), TimeUnit.NANOSECONDS)) {
                transactionalIds.put(listing.producerId(), listing.transactionalId());
            }
            if (!transactionalIds.isEmpty()) {
                descriptions.putAll(admin.describeTransactions(transactionalIds.values())
                        .all()
                        .get(left(deadline), TimeUnit.NANOSECONDS));
            }
        }

        final Map<TopicPartition, Partition> result = new LinkedHashMap<>();
        for (final TopicPartition partition : partitions) {
            final List<Open> open = new ArrayList<>();
            for (final ProducerState producer : producers.get(partition).activeProducers()) {
                if (producer.currentTransactionStartOffset().isPresent()) {
                    final String transactionalId = transactionalIds.get(producer.producerId());
                    open.add(new Open(
                            producer.producerId(),
                            producer.producerEpoch(),
                            producer.currentTransactionStartOffset().getAsLong(),
                            producer.lastTimestamp(),
                            producer.coordinatorEpoch().orElse(-1),
                            transactionalId,
                            transactionalId == null ? null : descriptions.get(transactionalId)));
                }
            }
            result.put(
                    partition,
                    new Partition(
                            partition,
                            lastStable.get(partition).offset(),
                            highWatermarks.get(partition).offset(),
                            List.copyOf(open)));
        }
        return result;
    }

    /**
     * Ends a transaction on one partition with an abort marker, as {@code kafka-transactions.sh abort}
     * does: its records are skipped by every {@code read_committed} reader and the partition's last
     * stable offset moves past it.
     */
    public static void abort(final Admin admin, final TopicPartition partition, final Open open, final Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.abortTransaction(new AbortTransactionSpec(
                        partition, open.producerId(), (short) open.epoch(), Math.max(0, open.coordinatorEpoch())))
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static long left(final long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }
}
