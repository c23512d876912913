package io.purchasepipeline.tools.kafka;

import static io.purchasepipeline.tools.kafka.KafkaTestClients.READY_TIMEOUT;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.consumeAll;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.createTopic;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.metaProperty;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.produceAcknowledged;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real single-node Kafka in a child process: the `run` command's embedded broker. */
class BrokerNodeTest {

    private static final String TOPIC = "restart-check";

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void keepsRecordsAcrossARestartOnTheSameDataWithoutFormattingAgain() throws Exception {
        final Path dataDir = tmp.resolve("kafka");
        final String clusterId;
        final long firstPid;
        try (BrokerNode node = standalone(dataDir)) {
            node.start();
            node.awaitReady(READY_TIMEOUT);
            firstPid = node.pid().orElseThrow();
            assertThat(Files.readString(node.pidFile()).trim()).isEqualTo(Long.toString(firstPid));
            assertThatThrownBy(() -> standalone(dataDir).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already runs as process " + firstPid);

            createTopic(node.bootstrapServers(), new NewTopic(TOPIC, 1, (short) 1));
            try (KafkaProducer<String, String> producer = producer(node.bootstrapServers())) {
                produceAcknowledged(producer, TOPIC, List.of("kept"));
            }
            assertThat(consumeAll(node.bootstrapServers(), TOPIC, 1)).containsExactly("kept");
            clusterId = metaProperty(dataDir, "cluster.id");

            // a write to a topic nobody created does not create it (with one partition, whatever it needs)
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            node.bootstrapServers(),
                            ProducerConfig.MAX_BLOCK_MS_CONFIG,
                            2_000),
                    new StringSerializer(),
                    new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "v"))
                                .get())
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).doesNotContain("never-created");
            }

            node.stop();
            assertThat(node.isRunning()).isFalse();
            assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive))
                    .isEmpty();
            assertThat(node.pidFile()).doesNotExist();
            node.stop();
        }

        try (BrokerNode restarted = standalone(dataDir)) {
            restarted.start();
            restarted.awaitReady(READY_TIMEOUT);
            assertThat(metaProperty(dataDir, "cluster.id"))
                    .as("formatted only once")
                    .isEqualTo(clusterId);
            assertThat(consumeAll(restarted.bootstrapServers(), TOPIC, 1)).containsExactly("kept");
        }
        assertThat(dataDir.resolve("logs").resolve("server.log")).content().contains("Kafka Server started");
    }

    @Test
    @Timeout(300)
    void reportsWhyANodeDiedWithTheTailOfItsLog() throws Exception {
        try (BrokerNode node = BrokerNode.standalone(tmp.resolve("kafka"))
                .port(LoopbackPorts.free(1).get(0))
                .maxHeap("1m")
                .build()) {
            node.start();
            assertThatThrownBy(() -> node.awaitReady(READY_TIMEOUT))
                    .isInstanceOf(BrokerStartupException.class)
                    .hasMessageContaining("Kafka node 1")
                    .hasMessageContaining("exited with code")
                    .hasMessageContaining("Too small maximum heap");
        }
    }

    @Test
    void refusesATakenPortInOneLineBeforeLaunchingAnything() throws Exception {
        try (ServerSocket taken =
                        new ServerSocket(LoopbackPorts.free(1).get(0), 1, InetAddress.getByName("127.0.0.1"));
                BrokerNode node = BrokerNode.standalone(tmp.resolve("kafka"))
                        .port(taken.getLocalPort())
                        .build()) {
            assertThatThrownBy(node::start)
                    .isInstanceOf(BrokerStartupException.class)
                    .hasMessageStartingWith("Port " + taken.getLocalPort() + " on 127.0.0.1 is taken")
                    .hasMessageNotContaining("\n");
            assertThat(node.isRunning()).isFalse();
            assertThat(node.pidFile()).doesNotExist();
        }
    }

    @Test
    void rejectsSettingsThatWouldBreakTheNode() {
        assertThatThrownBy(() -> BrokerNode.standalone(tmp)
                        .property("listeners", "PLAINTEXT://:9092")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
        assertThatThrownBy(() -> BrokerNode.standalone(tmp).maxHeap("-Xmx1g").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stoppingANodeThatNeverStartedDoesNothing() {
        final BrokerNode node = BrokerNode.standalone(tmp).build();
        node.stop();
        node.kill();
        assertThat(node.isRunning()).isFalse();
        assertThat(node.pid()).isEmpty();
    }

    private static BrokerNode standalone(final Path dataDir) {
        return BrokerNode.standalone(dataDir)
                .port(0)
                .maxHeap("384m")
                .property("offsets.topic.num.partitions", "1")
                .build();
    }
}
