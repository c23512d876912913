package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purchasepipeline.tools.kafka.BrokerNode;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void aTransactionLeftOpenOnItsPartitionsByARestartedBrokerIsAbortedByTheSweep() throws Exception {
        final List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                .mapToObj(partition -> new TopicPartition("held", partition))
                .toList();
        try (BrokerNode node = BrokerNode.standalone(tmp.resolve("kafka"))
                .port(LoopbackPorts.free(1).get(0))
                .property("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
                .build()) {
            node.start();
            node.awaitReady(Duration.ofMinutes(2));
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("held", PARTITIONS, (short) 1)))
                        .all()
                        .get();
            }
            final KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            node.bootstrapServers(),
                            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                            "a-stream-thread",
                            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            5_000),
                    new StringSerializer(),
                    new StringSerializer());
            try {
                producer.initTransactions();
                producer.beginTransaction();
                partitions.forEach(partition ->
                        producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), "k", "v")));
                producer.flush();

                node.kill();
                Thread.sleep(7_000);
                node.start();
                node.awaitReady(Duration.ofMinutes(2));
            } finally {
                producer.close(Duration.ZERO);
            }

            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers()))) {
                // long enough for markers that were coming to have come (with Kafka's 10 s scan they do, in 2 s)
                Thread.sleep(5_000);
                final Map<TopicPartition, OpenTransactions.Partition> held =
                        OpenTransactions.of(admin, partitions, Duration.ofSeconds(30));
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
                        () -> partitions,
                        (partition, open) -> OpenTransactions.abort(admin, partition, open, Duration.ofSeconds(30)),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(5),
                        System::currentTimeMillis,
                        node.bootstrapServers());
                assertThat(sweep.sweep())
                        .hasSize(PARTITIONS)
                        .allSatisfy(line -> assertThat(line).startsWith("Aborted the abandoned transaction"));

                assertThat(OpenTransactions.of(admin, partitions, Duration.ofSeconds(30))
                                .values())
                        .allSatisfy(partition -> {
                            assertThat(partition.open()).isEmpty();
                            assertThat(partition.lastStable()).isEqualTo(partition.highWatermark());
                        });
                assertThat(sweep.sweep()).as("nothing left to abort").isEmpty();
            }
        }
    }
}
