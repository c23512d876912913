package io.purchasepipeline.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records written to every topic between two points in time by reading them, not by
 * subtracting end offsets: each commit of a transaction writes a control marker into every
 * partition the transaction touched, and a marker takes an offset but is no record (no consumer
 * sees it, and the producer's {@code record-send-total} does not count it). Records of aborted
 * transactions take offsets too; they are counted apart.
 *
 * <p>Usage: {@link #snapshot} before and after what is measured, with nothing else writing at
 * either point; then {@link #count}. Records removed before they are counted cannot be told from
 * markers: offsets below a partition's log start offset (retention, or Kafka Streams purging its
 * repartition topics every {@code repartition.purge.interval.ms}, 30 s by default) are counted as
 * {@link TopicCount#unread}; records that log compaction removed are not seen at all. Measure over a
 * window shorter than those, or set the purge interval above it.
 */
public final class RecordCensus {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

    /** The end offset (log end, including open transactions) of every partition of every topic but Kafka's own. */
    public record Snapshot(Instant at, Map<TopicPartition, Long> endOffsets) {

        public Snapshot {
            endOffsets = Map.copyOf(endOffsets);
        }
    }

    /**
     * What one topic took between two snapshots.
     *
     * @param records data records of committed transactions and of non-transactional producers
     * @param aborted data records of aborted transactions (or of one still open at the second snapshot)
     * @param markers the offsets that hold no data record: transaction commit and abort markers
     * @param unread offsets deleted before they could be read (below the log start offset): records
     *               and markers that cannot be told apart any more
     */
    public record TopicCount(long records, long aborted, long markers, long unread) {

        public TopicCount(final long records, final long aborted, final long markers) {
            this(records, aborted, markers, 0);
        }

        /** Offsets taken: what an end-offset delta reads. */
        public long offsets() {
            return records + aborted + markers + unread;
        }
    }

    /**
     * The topics a Kafka Streams application's stream threads read (those its group committed
     * offsets for: source and repartition topics, not the global stores' topics, not changelogs,
     * which are read only to restore) and write (partitions whose recent producers include one of
     * the application's transactional producers: sinks, repartition topics, changelogs).
     */
    public record StreamsTopics(Set<String> read, Set<String> written) {}

    private RecordCensus() {}

    /** Every partition's end offset now. */
    public static Snapshot snapshot(final Admin admin) throws ExecutionException, InterruptedException {
        final Set<String> topics = admin.listTopics().names().get();
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (final TopicDescription topic :
                admin.describeTopics(topics).allTopicNames().get().values()) {
            topic.partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        // read_uncommitted: the log end offset, past any open transaction, not the last stable offset
        final Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                .all()
                .get()
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return new Snapshot(Instant.now(), ends);
    }

    /**
     * The records written to each topic between {@code from} and {@code to}, by topic name (topics
     * created in between count from their first offset); topics that took no offset are left out.
     *
     * @param clientProps bootstrap servers and any security settings; no group is used
     */
    public static Map<String, TopicCount> count(final Properties clientProps, final Snapshot from, final Snapshot to) {
        final Map<TopicPartition, long[]> taken = new HashMap<>();
        to.endOffsets().forEach((partition, end) -> {
            final long start = from.endOffsets().getOrDefault(partition, 0L);
            if (end > start) {
                taken.put(partition, new long[] {start, end});
            }
        });
        // what is still there to read: from the log start offset where records were deleted since
        final Map<TopicPartition, Long> logStart = logStartOffsets(clientProps, taken.keySet());
        final Map<TopicPartition, long[]> readable = new HashMap<>();
        taken.forEach((partition, range) -> {
            final long start = Math.max(range[0], logStart.getOrDefault(partition, 0L));
            if (range[1] > start) {
                readable.put(partition, new long[] {start, range[1]});
            }
        });
        final Map<TopicPartition, Long> committed = read(clientProps, readable, IsolationLevel.READ_COMMITTED);
        final Map<TopicPartition, Long> all = read(clientProps, readable, IsolationLevel.READ_UNCOMMITTED);
        final Map<String, long[]> byTopic = new TreeMap<>();
        taken.forEach((partition, range) -> {
            final long[] sums = byTopic.computeIfAbsent(partition.topic(), t -> new long[4]);
            final long start = Math.min(range[1], Math.max(range[0], logStart.getOrDefault(partition, 0L)));
            final long data = committed.getOrDefault(partition, 0L);
            final long everything = all.getOrDefault(partition, 0L);
            sums[0] += data;
            sums[1] += everything - data;
            sums[2] += range[1] - start - everything;
            sums[3] += start - range[0];
        });
        final Map<String, TopicCount> out = new TreeMap<>();
        byTopic.forEach((topic, sums) -> out.put(topic, new TopicCount(sums[0], sums[1], sums[2], sums[3])));
        return out;
    }

    private static Map<TopicPartition, Long> logStartOffsets(
            final Properties clientProps, final Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        final Properties props = new Properties();
        props.putAll(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.beginningOffsets(partitions, READ_TIMEOUT);
        }
    }

    /** The data records of the given topics, summed. */
    public static long records(final Map<String, TopicCount> counts, final Collection<String> topics) {
        return topics.stream()
                .mapToLong(topic ->
                        counts.getOrDefault(topic, new TopicCount(0, 0, 0)).records())
                .sum();
    }

    /** The given topics' data records, by topic, leaving out those that took none. */
    public static Map<String, Long> recordsOf(final Map<String, TopicCount> counts, final Collection<String> topics) {
        return counts.entrySet().stream()
                .filter(e -> topics.contains(e.getKey()) && e.getValue().records() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().records(), (a, b) -> a, TreeMap::new));
    }

    /**
     * The topics the stream threads of {@code applicationId} read and write, as the cluster knows
     * them now: ask after the run, while the producers' state is still kept (a day by default).
     * Exactly-once v2 names a stream thread's transactional producer
     * {@code <application.id>-<process UUID>-<thread index>}, which no other client of the
     * application (mail sender, e-book worker) shares.
     */
    public static StreamsTopics streamsTopics(final Admin admin, final String applicationId)
            throws ExecutionException, InterruptedException {
        final Pattern threadProducer = Pattern.compile(
                Pattern.quote(applicationId) + "-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\\d+");
        final Set<String> read =
                admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get().keySet().stream()
                        .map(TopicPartition::topic)
                        .collect(Collectors.toCollection(HashSet::new));
        final Set<Long> producers = admin.listTransactions().all().get().stream()
                .filter(t -> threadProducer.matcher(t.transactionalId()).matches())
                .map(TransactionListing::producerId)
                .collect(Collectors.toSet());
        return new StreamsTopics(read, writtenBy(admin, producers::contains));
    }

    private static Set<String> writtenBy(final Admin admin, final Predicate<Long> producer)
            throws ExecutionException, InterruptedException {
        final Set<String> topics = admin.listTopics().names().get();
        final List<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
                .toList();
        final Set<String> written = new HashSet<>();
        for (final Map.Entry<TopicPartition, PartitionProducerState> entry :
                admin.describeProducers(partitions).all().get().entrySet()) {
            for (final ProducerState state : entry.getValue().activeProducers()) {
                if (producer.test(state.producerId())) {
                    written.add(entry.getKey().topic());
                }
            }
        }
        return written;
    }

    /** Data records at offsets [start, end) of each partition, as a consumer of that isolation level sees them. */
    private static Map<TopicPartition, Long> read(
            final Properties clientProps, final Map<TopicPartition, long[]> ranges, final IsolationLevel isolation) {
        final Map<TopicPartition, Long> counts = new HashMap<>();
        if (ranges.isEmpty()) {
            return counts;
        }
        final Properties props = new Properties();
        props.putAll(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(ranges.keySet());
            ranges.forEach((partition, range) -> consumer.seek(partition, range[0]));
            final Set<TopicPartition> open = new HashSet<>(ranges.keySet());
            final long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!open.isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "Could not read to the second snapshot within " + READ_TIMEOUT.toSeconds() + " s ("
                                    + isolation + "), still open: " + open + " (a transaction left open?)");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ranges.get(partition)[1]) {
                        counts.merge(partition, 1L, Long::sum);
                    }
                }
                // a consumer moves past markers and, read_committed, past aborted records: its
                // position reaches the end offset even when the last offsets hold no record it returns
                open.removeIf(partition -> consumer.position(partition) >= ranges.get(partition)[1]);
                consumer.pause(
                        ranges.keySet().stream().filter(p -> !open.contains(p)).toList());
            }
        }
        return counts;
    }
}
