package io.purchasepipeline.ebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.EbookGenerated;
import io.purchasepipeline.serdes.EbookRequest;
import io.purchasepipeline.serdes.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker on a real (in-JVM) broker: requests in, files on disk, one event per book. */
class EbookWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TITLE = "Exactly Once, Explained (e-book)";

    private static KafkaClusterTestKit cluster;
    private static Admin admin;
    private static KafkaProducer<String, EbookRequest> requests;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = InJvmPipeline.startKafka();
        admin = Admin.create(clientProps());
        new TopicProvisioner(admin, 3, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        final Properties producerProps = clientProps();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        requests = new KafkaProducer<>(
                producerProps,
                Topics.EBOOK_REQUESTS.keySerde().serializer(),
                Topics.EBOOK_REQUESTS.valueSerde().serializer());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        requests.close();
        admin.close();
        cluster.close();
    }

    @Test
    void makesEachBookOnceAndCountsItOnceEvenWhenRequestsAreReplayed() throws Exception {
        final List<EbookRequest> asked = List.of(
                request("alice", "João Ñúñez", "ebook-exactly-once"),
                request("alice", "João Ñúñez", "ebook-streams-in-action"),
                request("bob", "Łucja Kowalska", "ebook-exactly-once"),
                request("carol", "Zoë Müller", "ebook-exactly-once"));
        final EbookLibrary library = EbookLibrary.in(dataDir);
        // the mail sender made this one first: the worker must still count it
        library.pdfFor(asked.get(2).orderId(), "bob", "Łucja Kowalska", "ebook-exactly-once", TITLE);
        // one that can never be made must not hold up the customer's next ones
        publish(List.of(
                new EbookRequest(null, "alice", "João Ñúñez", "alice@example.com", "ebook-exactly-once", TITLE)));
        publish(asked);

        try (EbookWorker worker = EbookWorker.start(KafkaClients.of(clientProps()), "test-ebooks-replay", library)) {
            awaitCaughtUp();
        }
        publish(asked);
        try (EbookWorker again = EbookWorker.start(KafkaClients.of(clientProps()), "test-ebooks-replay", library)) {
            awaitCaughtUp();
        }
        forgetGroupOffsets();
        try (EbookWorker fromTheStart =
                EbookWorker.start(KafkaClients.of(clientProps()), "test-ebooks-replay", library)) {
            awaitCaughtUp();
        }

        for (final EbookRequest request : asked) {
            assertThat(library.root().resolve(request.orderId()).resolve(request.sku() + ".pdf"))
                    .isRegularFile();
        }
        assertThat(generatedFor(asked))
                .extracting(EbookGenerated::orderId, EbookGenerated::sku)
                .containsExactlyInAnyOrderElementsOf(asked.stream()
                        .map(request -> tuple(request.orderId(), request.sku()))
                        .toList());
        assertThat(generatedFor(asked)).allSatisfy(event -> {
            assertThat(event.pages()).isGreaterThanOrEqualTo(4);
            assertThat(event.bytes()).isPositive();
            assertThat(event.file()).isEqualTo(event.orderId() + "/" + event.sku() + ".pdf");
        });
    }

    @Test
    void aBatchThatFailsIsAbortedAndMadeAgainWithoutCountingTwice() throws Exception {
        final List<EbookRequest> asked = List.of(
                request("dave", "Søren Ørsted", "ebook-exactly-once"),
                request("dave", "Søren Ørsted", "ebook-streams-in-action"),
                request("dave", "Søren Ørsted", "ebook-kafka-the-guide"));
        final EbookLibrary library = EbookLibrary.in(dataDir);
        // a file where the last book's folder should be: its batch fails until the file goes
        final Path blocker = library.root().resolve(asked.get(2).orderId());
        Files.createDirectories(library.root());
        Files.writeString(blocker, "in the way");
        publish(asked);

        try (EbookWorker worker = EbookWorker.start(KafkaClients.of(clientProps()), "test-ebooks-abort", library)) {
            await(() -> Files.exists(library.root()
                    .resolve(asked.get(1).orderId())
                    .resolve(asked.get(1).sku() + ".pdf")));
            Thread.sleep(2_000);
            assertThat(generatedFor(asked))
                    .extracting(EbookGenerated::orderId)
                    .doesNotContain(asked.get(2).orderId());
            Files.delete(blocker);
            awaitCaughtUp();
        }

        assertThat(generatedFor(asked))
                .extracting(EbookGenerated::orderId)
                .containsExactlyInAnyOrderElementsOf(
                        asked.stream().map(EbookRequest::orderId).toList());
    }

    private static EbookRequest request(final String customerId, final String name, final String sku) {
        return new EbookRequest(
                UUID.randomUUID().toString(), customerId, name, customerId + "@example.com", sku, TITLE);
    }

    private static void publish(final List<EbookRequest> asked) throws Exception {
        for (final EbookRequest request : asked) {
            requests.send(new ProducerRecord<>(Topics.EBOOK_REQUESTS.name(), request.customerId(), request))
                    .get();
        }
    }

    /** Until the worker's group has committed every request on the topic. */
    private static void awaitCaughtUp() throws Exception {
        await(() -> {
            try {
                final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                EbookWorker.GROUP_ID)
                        .partitionsToOffsetAndMetadata()
                        .get();
                final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                                partitions(Topics.EBOOK_REQUESTS.name()).stream()
                                        .collect(Collectors.toMap(
                                                partition -> partition, partition -> OffsetSpec.latest())))
                        .all()
                        .get();
                return ends.entrySet().stream()
                        .allMatch(end -> end.getValue().offset() == 0
                                || committed.containsKey(end.getKey())
                                        && committed.get(end.getKey()).offset()
                                                == end.getValue().offset());
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** As an operator resetting the group would: its next member starts from the earliest request. */
    private static void forgetGroupOffsets() throws Exception {
        await(() -> {
            try {
                admin.deleteConsumerGroups(List.of(EbookWorker.GROUP_ID)).all().get();
                return true;
            } catch (ExecutionException e) {
                return false; // the last member may not have left yet
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The committed events about these requests' orders, read from the start. */
    private static List<EbookGenerated> generatedFor(final List<EbookRequest> asked) {
        final Set<String> orders = asked.stream().map(EbookRequest::orderId).collect(Collectors.toSet());
        final Properties props = clientProps();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, EbookGenerated> consumer = new KafkaConsumer<>(
                props,
                Topics.EBOOKS_GENERATED.keySerde().deserializer(),
                Topics.EBOOKS_GENERATED.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = partitions(Topics.EBOOKS_GENERATED.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final List<EbookGenerated> events = new ArrayList<>();
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                assertThat(System.nanoTime()).as("reading ebooks-generated").isLessThan(deadline);
                for (final ConsumerRecord<String, EbookGenerated> record : consumer.poll(Duration.ofMillis(200))) {
                    if (orders.contains(record.value().orderId())) {
                        assertThat(record.key()).isEqualTo(record.value().customerId());
                        events.add(record.value());
                    }
                }
            }
            return events;
        }
    }

    private static List<TopicPartition> partitions(final String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(partition -> new TopicPartition(topic, partition.partition()))
                    .toList();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", WAIT).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Properties clientProps() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return props;
    }
}
