package io.purchasepipeline.tools.kafka;

import static io.purchasepipeline.tools.kafka.KafkaTestClients.READY_TIMEOUT;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.admin;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.awaitFullIsr;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.consumeAll;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.createTopic;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.metaProperty;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.produceAcknowledged;
import static io.purchasepipeline.tools.kafka.KafkaTestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real three-node KRaft clusters in child processes: the `cluster` and `broker` commands. */
class LocalClusterTest {

    private static final String TOPIC = "chaos";

    @TempDir
    Path tmp;

    @Test
    @Timeout(400)
    void losesNoAcknowledgedRecordWhenANodeIsKilledAndRestarted() throws Exception {
        final List<Integer> ports = LoopbackPorts.free(6);
        try (LocalCluster cluster = LocalCluster.builder(tmp)
                .brokers(3)
                .ports(ports.subList(0, 3), ports.subList(3, 6))
                .maxHeap("384m")
                // 50 offsets partitions on RF 3 take long to create on two cores and are not needed here
                .property("offsets.topic.num.partitions", "3")
                .open()) {
            cluster.startAll();
            cluster.awaitReady(READY_TIMEOUT);
            final ClusterLayout layout = ClusterLayout.load(tmp).orElseThrow();
            for (final BrokerNode node : cluster.nodes()) {
                assertThat(Files.readString(tmp.resolve("broker-" + node.nodeId() + ".pid"))
                                .trim())
                        .isEqualTo(Long.toString(node.pid().orElseThrow()));
                assertThat(metaProperty(node.dataDir(), "cluster.id")).isEqualTo(cluster.clusterId());
                assertThat(metaProperty(node.dataDir(), "directory.id"))
                        .as("formatted as the saved quorum member")
                        .isEqualTo(layout.members()
                                .get(node.nodeId() - 1)
                                .directoryId()
                                .toString());
            }

            createTopic(
                    cluster.bootstrapServers(),
                    new NewTopic(TOPIC, 3, (short) 3).configs(Map.of("min.insync.replicas", "2")));
            try (KafkaProducer<String, String> producer = producer(cluster.bootstrapServers())) {
                produceAcknowledged(producer, TOPIC, values(0, 100));

                final long killedPid = cluster.node(2).pid().orElseThrow();
                cluster.kill(2);
                assertThat(ProcessHandle.of(killedPid).filter(ProcessHandle::isAlive))
                        .isEmpty();

                produceAcknowledged(producer, TOPIC, values(100, 200));
            }

            cluster.restart(2, READY_TIMEOUT);
            try (Admin isr = admin(cluster.bootstrapServers())) {
                awaitFullIsr(isr, TOPIC, 3, Duration.ofSeconds(90));
            }

            final List<String> read = consumeAll(cluster.bootstrapServers(), TOPIC, 200);
            assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(values(0, 200));
        }
        assertThat(IntStream.rangeClosed(1, 3).mapToObj(id -> tmp.resolve("broker-" + id + ".pid")))
                .allSatisfy(pidFile -> assertThat(pidFile).doesNotExist());
    }

    @Test
    void keepsItsIdentitySoThatANodeCanBeRestartedFromAnotherProcess() throws Exception {
        final LocalCluster created = LocalCluster.builder(tmp).brokers(3).open();
        final LocalCluster reopened = LocalCluster.builder(tmp).open();

        assertThat(reopened.clusterId()).isEqualTo(created.clusterId());
        assertThat(reopened.bootstrapServers()).isEqualTo("127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093");
        assertThat(reopened.node(3).controllerPort()).isEqualTo(19093);
        assertThat(reopened.node(2).dataDir()).isEqualTo(tmp.resolve("broker-2"));
        assertThat(reopened.node(2).pidFile()).isEqualTo(tmp.resolve("broker-2.pid"));
        assertThat(tmp.resolve(ClusterLayout.FILE_NAME)).exists();

        assertThatThrownBy(() -> LocalCluster.builder(tmp).brokers(2).open())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("created with 3 nodes, not 2");
        assertThatThrownBy(() -> LocalCluster.builder(tmp.resolve("elsewhere")).open())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("say how many nodes");
    }

    @Test
    void sizesReplicationToTheNumberOfNodes() {
        assertThat(BrokerSettings.clusterDefaults(1))
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("min.insync.replicas", "1")
                .doesNotContainKey("broker.session.timeout.ms");
        assertThat(BrokerSettings.clusterDefaults(2))
                .containsEntry("default.replication.factor", "2")
                .containsEntry("min.insync.replicas", "1");
        assertThat(BrokerSettings.clusterDefaults(5))
                .containsEntry("default.replication.factor", "3")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("broker.heartbeat.interval.ms", "500")
                .containsEntry("broker.session.timeout.ms", "3000");
    }

    private static List<String> values(final int from, final int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toList();
    }
}
