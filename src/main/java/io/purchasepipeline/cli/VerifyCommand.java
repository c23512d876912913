package io.purchasepipeline.cli;

import io.purchasepipeline.runtime.ClientSettings;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.verify.InvariantChecker;
import io.purchasepipeline.verify.RecordPosition;
import io.purchasepipeline.verify.TopicRecordDecoder;
import io.purchasepipeline.verify.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify}: reads the pipeline's topics from the beginning and checks the contract's
 * invariants with an {@link InvariantChecker}. It reads as a plain consumer without a group
 * (nothing committed, no rebalance, any number of runs side by side), only committed records, up
 * to the end offsets taken when it starts, so a running pipeline is checked as of that moment.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Reads the pipeline's topics from the beginning and checks the invariants: every accepted order "
                + "reaches exactly one terminal state, no order is charged twice, no PHYSICAL SKU is oversold, no seat "
                + "goes to two holders, no email id is sent twice.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every invariant holds", "1:the topics could not be read", "3:an invariant is violated"})
public final class VerifyCommand implements Callable<Integer> {

    /** Not 1, which Main returns when the command fails, so a script can tell a broken pipeline from an unreachable Kafka. */
    static final int VIOLATED = 3;

    private static final Logger log = LoggerFactory.getLogger(VerifyCommand.class);

    private static final Duration POLL = Duration.ofMillis(500);
    /** Giving up when no partition moves for this long beats waiting forever on an unreachable broker. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka to read (env KAFKA_BOOTSTRAP_SERVERS, default ${DEFAULT-VALUE})")
    private String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "A properties file of extra client settings (SASL/TLS)")
    private Path kafkaConfig;

    @Option(
            names = "--json",
            paramLabel = "FILE",
            description = "Also write the report as JSON: counts per terminal state and each check's violations")
    private Path json;

    @Option(
            names = "--allow-pending",
            description =
                    "Report orders without a terminal state yet but do not fail on them (a pipeline still working)")
    private boolean allowPending;

    @Override
    public Integer call() throws IOException {
        final VerificationReport report = check(clients(), allowPending);
        System.out.print(report.text());
        if (json != null) {
            final Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report);
            System.out.println("Report written to " + json);
        }
        return report.ok() ? 0 : VIOLATED;
    }

    /**
     * Reads the pipeline's topics from the beginning to their committed ends and judges the
     * invariants: what this command prints, for other commands ({@code load}) too.
     *
     * @param clients the Kafka to read and its client settings (SASL/TLS)
     * @param allowPending whether orders without a terminal state yet are tolerated
     */
    public static VerificationReport check(final KafkaClients clients, final boolean allowPending) {
        final InvariantChecker checker = new InvariantChecker(allowPending);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(readerProps(clients), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            readToEnd(consumer, checker);
        }
        return checker.report();
    }

    private KafkaClients clients() throws IOException {
        return KafkaClients.of(bootstrapServers, ClientSettings.load(kafkaConfig));
    }

    /** No group: offsets are never committed and the pipeline's own groups are left alone. */
    private static Properties readerProps(final KafkaClients clients) {
        final Properties props =
                clients.namedByDefault("purchase-pipeline-verify").committedReader();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    private static void readToEnd(final KafkaConsumer<byte[], byte[]> consumer, final InvariantChecker checker) {
        final Map<String, List<PartitionInfo>> existing = consumer.listTopics();
        final List<String> missing = TopicRecordDecoder.TOPICS.stream()
                .filter(topic -> !existing.containsKey(topic))
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(
                    "No topic " + String.join(", ", missing) + " in this Kafka: has the pipeline run here?");
        }
        final List<TopicPartition> events = partitions(existing, Topics.ORDER_EVENTS.name());
        final List<TopicPartition> others = TopicRecordDecoder.TOPICS.stream()
                .filter(topic -> !topic.equals(Topics.ORDER_EVENTS.name()))
                .flatMap(topic -> partitions(existing, topic).stream())
                .toList();
        consumer.assign(Stream.concat(events.stream(), others.stream()).toList());
        // order-events' ends first: every other topic is then read at least as far as the events it is
        // compared with (their orders, dead letters, the stock and seat reservations they saw)
        final Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(events));
        ends.putAll(consumer.endOffsets(others));
        consumer.beginningOffsets(ends.keySet()).forEach((partition, first) -> {
            if (first > 0) {
                checker.truncated(new RecordPosition(partition.topic(), partition.partition(), first));
            }
        });
        log.info("Reading {} partitions of {} up to their committed ends", ends.size(), TopicRecordDecoder.TOPICS);

        consumer.seekToBeginning(ends.keySet());
        final TopicRecordDecoder feed = new TopicRecordDecoder(checker);
        final Set<TopicPartition> open = new HashSet<>(ends.keySet());
        final Map<TopicPartition, Long> positions = new HashMap<>();
        long read = 0;
        long lastProgress = System.nanoTime();
        while (!open.isEmpty()) {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    feed.accept(record);
                    read++;
                }
            }
            // positions, not records, tell progress: aborted transactions and their markers move them too
            boolean moved = false;
            for (final Iterator<TopicPartition> partitions = open.iterator(); partitions.hasNext(); ) {
                final TopicPartition partition = partitions.next();
                final long position = consumer.position(partition);
                moved |= !Long.valueOf(position).equals(positions.put(partition, position));
                if (position >= ends.get(partition)) {
                    partitions.remove();
                    consumer.pause(Set.of(partition));
                }
            }
            if (moved) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("Nothing read for " + STALL_LIMIT.toSeconds() + " s; still to read: "
                        + open.stream()
                                .map(partition -> partition + " up to offset " + ends.get(partition))
                                .sorted()
                                .toList());
            }
        }
        log.info("Read {} records", read);
    }

    private static List<TopicPartition> partitions(final Map<String, List<PartitionInfo>> topics, final String topic) {
        return topics.get(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }
}
