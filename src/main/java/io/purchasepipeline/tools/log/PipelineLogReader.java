package io.purchasepipeline.tools.log;

import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every topic matching a pattern (a regex subscription in a consumer group of its own, so
 * topics made later are picked up) and hands one {@link LogEntry} per matching record, in time
 * order, to its output.
 *
 * <p>Where it starts: with {@code fromBeginning} at the oldest record each partition still holds;
 * else at the end of each partition as the log joined ("now"), except for topics made after it
 * started, which are read whole. Where it stops: without {@code follow} once every partition of the
 * topics that existed at the start is read up to its end as it was when assigned (committed records
 * only); with {@code follow} not until {@link #stop()}.
 */
public final class PipelineLogReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    /** Giving up when nothing moves for this long beats waiting forever on an unreachable broker. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);
    /** How long Kafka has to answer the first question before the log gives up on it. */
    private static final Duration REACH = Duration.ofSeconds(20);
    /** A partition with this many entries waiting for the others is paused until they go out. */
    private static final int MAX_BUFFERED = 1_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String servers;
    private final Pattern topics;
    private final boolean fromBeginning;
    private final boolean follow;
    private final LogFilter filter;
    private final RecordSummaries summaries = new RecordSummaries();
    private final TimeOrderedMerge merge = new TimeOrderedMerge(Set.of(
            Topics.ORDERS.name(),
            Topics.CATALOG.name(),
            Topics.CUSTOMER_FLAGS.name(),
            Topics.SEAT_RESERVATIONS.name()));
    /** Each assigned partition's end (last stable offset) when it was assigned. */
    private final Map<TopicPartition, Long> ends = new HashMap<>();
    /** Assigned partitions not yet read up to {@link #ends}. */
    private final Set<TopicPartition> behind = new HashSet<>();

    private final Set<TopicPartition> assignedOnce = new HashSet<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private Set<String> topicsAtStart = Set.of();
    private volatile boolean stopping;

    public PipelineLogReader(
            final Properties clientProps,
            final Pattern topics,
            final boolean fromBeginning,
            final boolean follow,
            final LogFilter filter) {
        this.consumer = new KafkaConsumer<>(
                readerProps(clientProps, follow), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.servers = clientProps.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        this.topics = topics;
        this.fromBeginning = fromBeginning;
        this.follow = follow;
        this.filter = filter;
    }

    /**
     * Reads until caught up, or until stopped when following.
     *
     * @param onCaughtUp told once, with the number of partitions heard, when every partition of the
     *        topics there at the start has been read up to its end as it was then
     * @throws IllegalStateException when Kafka does not answer, no topic matches (not following), or nothing moves
     *         for a minute while catching up
     */
    public void run(final Consumer<LogEntry> out, final IntConsumer onCaughtUp) {
        try {
            read(out, onCaughtUp);
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
        // stopped or caught up: what is buffered has nothing left to wait for
        merge.drain(Set.of(), out);
    }

    private void read(final Consumer<LogEntry> out, final IntConsumer onCaughtUp) {
        final Map<String, List<PartitionInfo>> existing;
        try {
            existing = consumer.listTopics(REACH);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + servers + " did not answer within " + REACH.toSeconds()
                    + " s: is it running there? (--bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS)");
        }
        topicsAtStart = existing.keySet().stream()
                .filter(name -> topics.matcher(name).matches())
                .collect(Collectors.toSet());
        if (topicsAtStart.isEmpty() && !follow) {
            throw new IllegalStateException(
                    "No topic matches " + topics + " in this Kafka: has the pipeline run here?");
        }
        final Set<TopicPartition> expected = topicsAtStart.stream()
                .flatMap(topic -> existing.get(topic).stream())
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .collect(Collectors.toSet());
        consumer.subscribe(topics, new Assignments());
        boolean caughtUp = false;
        long lastProgress = System.nanoTime();
        Map<TopicPartition, Long> lastPositions = Map.of();
        while (!stopping) {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                final LogEntry entry = summaries.entry(record);
                if (filter.matches(entry)) {
                    merge.add(new TopicPartition(record.topic(), record.partition()), entry);
                }
            }
            final Map<TopicPartition, Long> positions = catchUp();
            merge.drain(behind, out);
            bound();
            if (!caughtUp && assignedOnce.containsAll(expected) && behind.isEmpty()) {
                caughtUp = true;
                onCaughtUp.accept(consumer.assignment().size());
                if (!follow) {
                    return;
                }
            }
            if (follow || !positions.equals(lastPositions)) {
                lastProgress = System.nanoTime();
                lastPositions = positions;
            } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("Nothing read for " + STALL_LIMIT.toSeconds() + " s; still to read: "
                        + (assignedOnce.containsAll(expected) ? behind : "partitions not yet assigned"));
            }
        }
    }

    /** Ends a {@link #run} that follows, from another thread: what is buffered still goes out. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** Drops from {@link #behind} the partitions read up to their end; the positions of all. */
    private Map<TopicPartition, Long> catchUp() {
        final Map<TopicPartition, Long> positions = new HashMap<>();
        for (final TopicPartition partition : consumer.assignment()) {
            final long position = consumer.position(partition);
            positions.put(partition, position);
            if (position >= ends.getOrDefault(partition, 0L)) {
                behind.remove(partition);
            }
        }
        return positions;
    }

    /** Pauses the partitions far ahead of the ones holding the merge back, and resumes them when they drained. */
    private void bound() {
        final Set<TopicPartition> toPause = new HashSet<>();
        final Set<TopicPartition> toResume = new HashSet<>();
        for (final TopicPartition partition : consumer.assignment()) {
            final boolean full = merge.buffered(partition) >= MAX_BUFFERED;
            if (full && paused.add(partition)) {
                toPause.add(partition);
            } else if (!full && paused.remove(partition)) {
                toResume.add(partition);
            }
        }
        consumer.pause(toPause);
        consumer.resume(toResume);
    }

    private final class Assignments implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            final Map<TopicPartition, Long> assignedEnds = consumer.endOffsets(partitions);
            for (final TopicPartition partition : partitions) {
                final long end = assignedEnds.getOrDefault(partition, 0L);
                ends.put(partition, end);
                assignedOnce.add(partition);
                if (!fromBeginning && topicsAtStart.contains(partition.topic())) {
                    consumer.seek(partition, end);
                } else {
                    consumer.seekToBeginning(List.of(partition));
                    behind.add(partition);
                }
            }
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(final Collection<TopicPartition> partitions) {
            for (final TopicPartition partition : partitions) {
                behind.remove(partition);
                paused.remove(partition);
                merge.remove(partition);
            }
        }
    }

    private static Properties readerProps(final Properties clientProps, final boolean follow) {
        final Properties props = new Properties();
        props.putAll(clientProps);
        // a group of its own: nothing committed, the pipeline's groups left alone, any number of logs side by side
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "purchase-pipeline-log-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // a topic that appears adds its partitions; the ones being read keep their positions
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        if (follow) {
            // topics made while following (repartition topics of a first run) show up within seconds, not minutes
            props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        }
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "purchase-pipeline-log");
        return props;
    }
}
