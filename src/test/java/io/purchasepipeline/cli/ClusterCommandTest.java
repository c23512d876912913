package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.tools.kafka.KafkaTestClients;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cluster` and `broker --node-id N` on real broker processes: the failure drill they exist for. One
 * cluster start for the whole drill, as a three-node start alone takes 10+ s on two cores.
 */
class ClusterCommandTest {

    private static final String TOPIC = "drill";
    private static final int BROKERS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dataDir;

    /** Every broker pid seen, killed at the end should an assertion have failed before the cluster stopped. */
    private final Set<Long> brokerPids = new HashSet<>();

    @AfterEach
    void leaveNoBrokerBehind() {
        brokerPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    @Timeout(300)
    void survivesAKilledBrokerThatBrokerRestartsAndStopsEveryBrokerIncludingTheRestartedOne() throws Exception {
        final int firstPort = LoopbackPorts.freeConsecutive(2 * BROKERS);
        final int firstControllerPort = firstPort + BROKERS;
        final CliUnderTest cli = new CliUnderTest();
        final ClusterCommand command = cli.subcommand("cluster");
        final Future<Integer> clusterRun = inThread(() -> cli.execute(
                "cluster",
                "--brokers",
                "3",
                "--data-dir",
                dataDir.toString(),
                "--first-port",
                Integer.toString(firstPort),
                "--first-controller-port",
                Integer.toString(firstControllerPort),
                "--max-heap",
                "384m"));

        // given a cluster of three broker processes, each with its pid file
        final String bootstrap = command.serving().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        final List<String> expectedServers = IntStream.range(firstPort, firstPort + BROKERS)
                .mapToObj(port -> "127.0.0.1:" + port)
                .toList();
        assertThat(bootstrap).isEqualTo(String.join(",", expectedServers));
        assertThat(cli.out()).contains("Kafka cluster of 3 brokers ready in ", "Bootstrap servers: " + bootstrap);
        final List<Long> pids =
                IntStream.rangeClosed(1, BROKERS).mapToObj(this::pidOf).toList();
        assertThat(pids)
                .doesNotHaveDuplicates()
                .allSatisfy(pid -> assertThat(isAlive(pid)).isTrue());

        // and a topic of replication factor 3 written with acks=all
        final long restartedPid;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
            try (KafkaProducer<String, String> producer = KafkaTestClients.producer(bootstrap)) {
                produceAcknowledged(producer, 0, 100);

                // when node 2 is killed (kill -9) while writes go on
                final ProcessHandle killed = ProcessHandle.of(pids.get(1)).orElseThrow();
                killed.destroyForcibly();
                killed.onExit().get(30, TimeUnit.SECONDS);
                produceAcknowledged(producer, 100, 200);
            }

            // and `broker --node-id 2 --detach` brings it back from another command
            final CliUnderTest restart = new CliUnderTest();
            assertThat(restart.execute(
                            "broker",
                            "--node-id",
                            "2",
                            "--data-dir",
                            dataDir.toString(),
                            "--max-heap",
                            "384m",
                            "--detach"))
                    .as(restart.err())
                    .isZero();
            restartedPid = pidOf(2);
            assertThat(restartedPid).isNotEqualTo(pids.get(1));
            assertThat(restart.out())
                    .contains("Kafka node 2 ready at " + expectedServers.get(1) + " in ", "pid " + restartedPid);

            // then it rejoins: every partition is back to three in-sync replicas, nothing lost or doubled
            KafkaTestClients.awaitFullIsr(admin, TOPIC, BROKERS, TIMEOUT);
            assertThat(consumeAll(bootstrap, 200))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(values(0, 200));

            // and a second start of the running node is refused in one line
            final CliUnderTest again = new CliUnderTest();
            assertThat(again.execute("broker", "--node-id", "2", "--data-dir", dataDir.toString(), "--detach"))
                    .isEqualTo(1);
            assertThat(again.err())
                    .startsWith("purchase-pipeline: Kafka node 2 already runs as process " + restartedPid)
                    .hasLineCount(1);
        }

        // and stopping the cluster stops all three, the one restarted by another command included
        command.requestStop();
        assertThat(clusterRun.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(cli.out()).contains("Stopped the Kafka cluster in ");
        assertThat(List.of(pids.get(0), restartedPid, pids.get(2)))
                .allSatisfy(pid -> assertThat(hasExited(pid)).isTrue());
        assertThat(IntStream.rangeClosed(1, BROKERS).mapToObj(id -> dataDir.resolve("cluster/broker-" + id + ".pid")))
                .allSatisfy(pidFile -> assertThat(pidFile).doesNotExist());
    }

    @Test
    void refusesPortsOutsideTheValidRange() {
        final CliUnderTest cli = new CliUnderTest();

        assertThat(cli.execute("cluster", "--data-dir", dataDir.toString(), "--first-port", "65534"))
                .isEqualTo(2);
        assertThat(cli.err()).startsWith("ports 65534..65536 are not all valid ports");
        assertThat(dataDir.resolve("cluster")).doesNotExist();
    }

    private long pidOf(final int nodeId) {
        try {
            final long pid = Long.parseLong(Files.readString(dataDir.resolve("cluster/broker-" + nodeId + ".pid"))
                    .trim());
            brokerPids.add(pid);
            return pid;
        } catch (IOException e) {
            throw new AssertionError("no pid file of node " + nodeId, e);
        }
    }

    private static boolean isAlive(final long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Whether the process is gone within a few seconds. The node restarted by {@code broker --detach}
     * in this JVM is this JVM's child: its exit is seen (as a zombie) a moment before the JVM's
     * reaper collects it, and until then the pid still counts as alive.
     */
    private static boolean hasExited(final long pid) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (isAlive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static Future<Integer> inThread(final Callable<Integer> task) {
        final FutureTask<Integer> future = new FutureTask<>(task);
        final Thread thread = new Thread(future, "cluster-command");
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    /** Sends values {@code from..to-1} and waits until all in-sync replicas acknowledged each. */
    private static void produceAcknowledged(final KafkaProducer<String, String> producer, final int from, final int to)
            throws Exception {
        final List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (final String value : values(from, to)) {
            acks.add(producer.send(new ProducerRecord<>(TOPIC, value, value)));
        }
        for (final Future<RecordMetadata> ack : acks) {
            ack.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(final String bootstrap, final int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> partitions = IntStream.range(0, 3)
                    .mapToObj(p -> new TopicPartition(TOPIC, p))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }

    private static List<String> values(final int from, final int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toList();
    }
}
