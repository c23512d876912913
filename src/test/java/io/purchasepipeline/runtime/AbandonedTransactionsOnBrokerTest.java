package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purchasepipeline.tools.kafka.BrokerNode;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why the brokers do not scan for timed-out transactions every second, and what the app does about
 * a transaction left open anyway, on a real broker: a single node scanning every second (as the
 * fast-failover settings had it) is killed with -9 while a producer's transaction is open, and
 * started again once that transaction has timed out. Kafka 4.4.0's coordinator then aborts it
 * before the node's listener takes connections, and its abort markers never reach the partitions:
 * the transaction stays open on them although the coordinator has ended it, and no reader can pass
 * it. (With Kafka's 10 s scan the markers come within 2 s.) The app's sweep ends it.
 */
class AbandonedTransactionsOnBrokerTest {

    private static final int PARTITIONS = 6;
    private static final List<TopicPartition> PARTS = IntStream.range(0, PARTITIONS)
            .mapToObj(partition -> new TopicPartition("held", partition))
            .toList();

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void aTransactionLeftOpenOnItsPartitionsByARestartedBrokerIsAbortedByTheSweep() throws Exception {
        try (BrokerNode node = scanningEverySecond()) {
            abandonOnRestart(node);
            try (Admin admin = admin(node)) {
                final Map<TopicPartition, OpenTransactions.Partition> held =
                        OpenTransactions.of(admin, PARTS, Duration.ofSeconds(30));
                assertThat(held.values())
                        .as("partitions held by a transaction its coordinator has ended (Kafka 4.4.0)")
                        .allSatisfy(partition -> {
                            assertThat(partition.lastStable()).isLessThan(partition.highWatermark());
                            assertThat(partition.open())
                                    .singleElement()
                                    .satisfies(open -> assertThat(open.abandoned(partition.partition()))
                                            .isTrue());
                        });

                final RestoreStalls sweep = new RestoreStalls(
                        new RestoreProgress(new SimpleMeterRegistry()),
                        asked -> OpenTransactions.of(admin, asked, Duration.ofSeconds(30)),
                        () -> PARTS,
                        (partition, open) -> OpenTransactions.abort(admin, partition, open, Duration.ofSeconds(30)),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(5),
                        System::currentTimeMillis,
                        node.bootstrapServers());
                assertThat(sweep.sweep())
                        .hasSize(PARTITIONS)
                        .allSatisfy(line -> assertThat(line).startsWith("Aborted the abandoned transaction"));

                assertThat(OpenTransactions.of(admin, PARTS, Duration.ofSeconds(30))
                                .values())
                        .allSatisfy(partition -> {
                            assertThat(partition.open()).isEmpty();
                            assertThat(partition.lastStable()).isEqualTo(partition.highWatermark());
                        });
                assertThat(sweep.sweep()).as("nothing left to abort").isEmpty();
                assertThat(committed(node, PARTS.get(0)))
                        .as("the aborted record stays aborted")
                        .isEmpty();
            }
        }
    }

    /**
     * Why the fast-failover settings do not ship: the same transactional id's next transaction on a
     * partition that holds such a transaction commits the aborted record with its own, so a reader
     * of committed records sees what its coordinator aborted (on the stream threads: orders that end
     * twice). If this fails, Kafka no longer does it, and the brokers' 1 s scan can be reconsidered.
     */
    @Test
    @Timeout(300)
    void theSameProducersNextTransactionCommitsTheAbortedRecordWithItsOwn() throws Exception {
        try (BrokerNode node = scanningEverySecond()) {
            abandonOnRestart(node);
            try (KafkaProducer<String, String> next = producer(node)) {
                next.initTransactions();
                next.beginTransaction();
                next.send(
                        new ProducerRecord<>(PARTS.get(0).topic(), PARTS.get(0).partition(), "k", "next"));
                next.commitTransaction();
            }
            assertThat(committed(node, PARTS.get(0))).containsExactly("aborted", "next");
        }
    }

    private BrokerNode scanningEverySecond() throws Exception {
        final BrokerNode node = BrokerNode.standalone(tmp.resolve("kafka"))
                .port(LoopbackPorts.free(1).get(0))
                .property("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
                .build();
        node.start();
        node.awaitReady(Duration.ofMinutes(2));
        try (Admin admin = admin(node)) {
            admin.createTopics(List.of(new NewTopic("held", PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        return node;
    }

    /**
     * A transaction open on every partition when the node is killed with -9, the node started again
     * once it has timed out, and 5 s more for markers that were coming (with Kafka's 10 s scan they
     * come within 2 s).
     */
    private static void abandonOnRestart(final BrokerNode node) throws Exception {
        final KafkaProducer<String, String> producer = producer(node);
        try {
            producer.initTransactions();
            producer.beginTransaction();
            PARTS.forEach(partition ->
                    producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), "k", "aborted")));
            producer.flush();
            node.kill();
            Thread.sleep(7_000);
            node.start();
            node.awaitReady(Duration.ofMinutes(2));
        } finally {
            producer.close(Duration.ZERO);
        }
        Thread.sleep(5_000);
    }

    private static KafkaProducer<String, String> producer(final BrokerNode node) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        node.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "a-stream-thread",
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        5_000),
                new StringSerializer(),
                new StringSerializer());
    }

    private static Admin admin(final BrokerNode node) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers()));
    }

    /** The values a reader of committed records gets from {@code partition}, read for 5 s. */
    private static List<String> committed(final BrokerNode node, final TopicPartition partition) {
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        node.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }
}
