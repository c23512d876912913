package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.instance.InJvmPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;

class OpenTransactionsTest {

    private static final TopicPartition CHANGELOG_0 = new TopicPartition("a-changelog", 0);

    @Test
    void findsTheOpenTransactionThatHoldsAPartitionsLastStableOffsetAndWhatItsCoordinatorSays() throws Exception {
        try (KafkaClusterTestKit kafka = InJvmPipeline.startKafka();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                "a-task-producer"),
                        new StringSerializer(),
                        new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(CHANGELOG_0.topic(), 1, (short) 1)))
                    .all()
                    .get();
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(CHANGELOG_0.topic(), "k" + i, "committed"));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(CHANGELOG_0.topic(), "k3", "open"));
            producer.send(new ProducerRecord<>(CHANGELOG_0.topic(), "k4", "open"));
            producer.flush();

            final OpenTransactions.Partition held = OpenTransactions.of(
                            admin, List.of(CHANGELOG_0), Duration.ofSeconds(30))
                    .get(CHANGELOG_0);

            // three records and the commit marker, then the open transaction's two
            assertThat(held.lastStable()).isEqualTo(4);
            assertThat(held.highWatermark()).isEqualTo(6);
            final OpenTransactions.Open open = held.open().get(0);
            assertThat(held.open()).hasSize(1);
            assertThat(open.startOffset()).isEqualTo(4);
            assertThat(open.transactionalId()).isEqualTo("a-task-producer");
            assertThat(open.coordinator().state()).isEqualTo(TransactionState.ONGOING);
            assertThat(open.coordinator().producerId()).isEqualTo(open.producerId());
            assertThat(held.hanging())
                    .as("its coordinator has it open on the partition")
                    .isEmpty();
            assertThat(held.describe(System.currentTimeMillis(), kafka.bootstrapServers()))
                    .startsWith("last stable offset 4, high watermark 6; producer " + open.producerId())
                    .contains("has a transaction open from offset 4")
                    .contains("as a-task-producer, which its coordinator has as Ongoing")
                    .doesNotContain("hanging");

            producer.commitTransaction();
            // the coordinator writes the commit markers after it has answered the commit
            OpenTransactions.Partition free;
            do {
                free = OpenTransactions.of(admin, List.of(CHANGELOG_0), Duration.ofSeconds(30))
                        .get(CHANGELOG_0);
            } while (free.lastStable() < 7 && sleep());
            assertThat(free.open()).isEmpty();
            assertThat(free.lastStable()).isEqualTo(free.highWatermark()).isEqualTo(7);
            assertThat(free.describe(System.currentTimeMillis(), kafka.bootstrapServers()))
                    .isEqualTo("last stable offset 7, high watermark 7; nothing held back");

            // a transaction ended from outside, as an abandoned one is: the partition reads on past it
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(CHANGELOG_0.topic(), "k5", "abandoned"));
            producer.flush();
            final OpenTransactions.Open open2 = OpenTransactions.of(admin, List.of(CHANGELOG_0), Duration.ofSeconds(30))
                    .get(CHANGELOG_0)
                    .open()
                    .get(0);
            OpenTransactions.abort(admin, CHANGELOG_0, open2, Duration.ofSeconds(30));
            final OpenTransactions.Partition afterAbort = OpenTransactions.of(
                            admin, List.of(CHANGELOG_0), Duration.ofSeconds(30))
                    .get(CHANGELOG_0);
            assertThat(afterAbort.open()).isEmpty();
            assertThat(afterAbort.lastStable())
                    .isEqualTo(afterAbort.highWatermark())
                    .isEqualTo(9);
        }
    }

    @Test
    void aTransactionItsCoordinatorHasEndedOrDoesNotHaveOnThePartitionIsHanging() {
        final TransactionDescription ongoingElsewhere = new TransactionDescription(
                1, TransactionState.ONGOING, 7, 3, 10_000, OptionalLong.of(0), Set.of(new TopicPartition("other", 0)));
        final TransactionDescription ongoingHere = new TransactionDescription(
                1, TransactionState.ONGOING, 7, 3, 10_000, OptionalLong.of(0), Set.of(CHANGELOG_0));
        final TransactionDescription aborting = new TransactionDescription(
                1, TransactionState.PREPARE_ABORT, 7, 4, 10_000, OptionalLong.of(0), Set.of(CHANGELOG_0));
        final TransactionDescription ended = new TransactionDescription(
                1, TransactionState.COMPLETE_ABORT, 7, 4, 10_000, OptionalLong.empty(), Set.of());
        final TransactionDescription anotherProducer = new TransactionDescription(
                1, TransactionState.ONGOING, 8, 0, 10_000, OptionalLong.of(0), Set.of(CHANGELOG_0));

        assertThat(open(ongoingHere).coordinatorHasItOpenOn(CHANGELOG_0)).isTrue();
        assertThat(open(aborting).coordinatorHasItOpenOn(CHANGELOG_0))
                .as("its markers on the way")
                .isTrue();
        assertThat(open(ongoingElsewhere).coordinatorHasItOpenOn(CHANGELOG_0)).isFalse();
        assertThat(open(ended).coordinatorHasItOpenOn(CHANGELOG_0)).isFalse();
        assertThat(open(anotherProducer).coordinatorHasItOpenOn(CHANGELOG_0)).isFalse();
        assertThat(open(null).coordinatorHasItOpenOn(CHANGELOG_0))
                .as("no coordinator lists it")
                .isFalse();

        // abandoned: its coordinator has moved on to a later epoch or another producer, so no marker will come
        assertThat(open(ended).abandoned(CHANGELOG_0)).isTrue();
        assertThat(open(anotherProducer).abandoned(CHANGELOG_0)).isTrue();
        assertThat(open(ongoingHere).abandoned(CHANGELOG_0)).isFalse();
        assertThat(open(aborting).abandoned(CHANGELOG_0)).isFalse();
        assertThat(open(null).abandoned(CHANGELOG_0))
                .as("its transactional id may have expired")
                .isFalse();
        assertThat(open(ongoingElsewhere).abandoned(CHANGELOG_0))
                .as("the same epoch, open elsewhere: not moved on")
                .isFalse();

        final OpenTransactions.Partition partition =
                new OpenTransactions.Partition(CHANGELOG_0, 4, 9, List.of(open(ongoingHere), open(null)));
        assertThat(partition.hanging()).containsExactly(open(null));
        assertThat(partition.describe(0, "127.0.0.1:9092"))
                .contains(
                        "which no coordinator lists: a hanging transaction, which `kafka-transactions.sh "
                                + "--bootstrap-server 127.0.0.1:9092 abort --topic a-changelog --partition 0 --start-offset 4` ends");
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    private static OpenTransactions.Open open(final TransactionDescription coordinator) {
        return new OpenTransactions.Open(7, 3, 4, 0, 0, coordinator == null ? null : "a-task-producer", coordinator);
    }
}
