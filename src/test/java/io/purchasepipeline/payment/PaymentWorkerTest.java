package io.purchasepipeline.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.runtime.DeadLetters;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.CorrelationId;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.kafka.KafkaTestClients;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker on a real (in-JVM) broker: requests in, one committed result per request out, nothing charged twice. */
class PaymentWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final BigDecimal AMOUNT = new BigDecimal("42.50");

    private static KafkaClusterTestKit cluster;
    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = InJvmPipeline.startKafka();
        admin = Admin.create(clientProps());
        new TopicProvisioner(admin, 3, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        final Properties producerProps = clientProps();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        producer.close();
        admin.close();
        cluster.close();
    }

    @Test
    void answersEveryRequestOnceWithTheGatewaysStatusKeyedAndCorrelatedLikeTheRequest() throws Exception {
        final PaymentRequest approved = authorise("alice", PaymentSimulator.APPROVED_CARD);
        final PaymentRequest declined = authorise("bob", Cards.mask(PaymentSimulator.DECLINED_CARD));
        final PaymentRequest poor = authorise("carol", Cards.mask(PaymentSimulator.INSUFFICIENT_FUNDS_CARD));
        final PaymentRequest unanswered = authorise("dave", Cards.mask(PaymentSimulator.UNAVAILABLE_CARD));
        final List<PaymentRequest> asked = List.of(approved, declined, poor, unanswered);
        try (PaymentSimulator gateway = new PaymentSimulator();
                PaymentWorker worker = PaymentWorker.start(
                        KafkaClients.of(clientProps()),
                        "test-payments-statuses",
                        gateway,
                        PaymentWorker.Settings.DEFAULT)) {
            publish(asked);
            awaitCaughtUp();
            final String authorisation =
                    resultsFor(List.of(approved)).get(0).value().paymentId();
            final PaymentRequest capture = follow(approved, PaymentOperation.CAPTURE, authorisation);
            publish(List.of(capture));
            awaitCaughtUp();

            final List<ConsumerRecord<String, PaymentResult>> results =
                    resultsFor(List.of(approved, declined, poor, unanswered, capture));
            assertThat(results)
                    .extracting(record -> record.value().orderId() + " "
                            + record.value().operation() + " " + record.value().status())
                    .containsExactlyInAnyOrder(
                            approved.orderId() + " AUTHORISE APPROVED",
                            declined.orderId() + " AUTHORISE DECLINED",
                            poor.orderId() + " AUTHORISE INSUFFICIENT_FUNDS",
                            unanswered.orderId() + " AUTHORISE UNAVAILABLE",
                            approved.orderId() + " CAPTURE APPROVED");
            assertThat(results).allSatisfy(record -> {
                assertThat(record.key()).isEqualTo(record.value().customerId());
                assertThat(CorrelationId.of(record.headers()))
                        .isEqualTo("req-" + record.value().orderId());
            });
            assertThat(gateway.captures(approved.orderId())).isEqualTo(1);
        }
    }

    @Test
    void aCallWithoutAnswerWithinTheCallTimeoutIsUnavailable() throws Exception {
        final List<PaymentRequest> asked = List.of(authorise("erin", PaymentSimulator.APPROVED_CARD));
        try (PaymentSimulator silent =
                        new PaymentSimulator(new PaymentSimulator.Behaviour(Duration.ZERO, Duration.ZERO, 1, 1));
                PaymentWorker worker = PaymentWorker.start(
                        KafkaClients.of(clientProps()),
                        "test-payments-timeout",
                        silent,
                        new PaymentWorker.Settings(4, Duration.ofMillis(300)))) {
            publish(asked);
            awaitCaughtUp();
        }

        assertThat(resultsFor(asked))
                .extracting(
                        record -> record.value().status() + " " + record.value().detail())
                .containsExactly("UNAVAILABLE no answer within 300 ms");
    }

    @Test
    void aReplayOfTheSameRequestsChargesNothingMore() throws Exception {
        final List<PaymentRequest> asked = IntStream.range(0, 10)
                .mapToObj(i -> authorise("frank-" + i, PaymentSimulator.APPROVED_CARD))
                .toList();
        try (PaymentSimulator gateway = new PaymentSimulator()) {
            try (PaymentWorker worker = PaymentWorker.start(
                    KafkaClients.of(clientProps()), "test-payments-replay", gateway, PaymentWorker.Settings.DEFAULT)) {
                publish(asked);
                awaitCaughtUp();
                // the same requests again, as an order task replayed after a crash would write them
                publish(asked);
                awaitCaughtUp();
            }

            final List<ConsumerRecord<String, PaymentResult>> results = resultsFor(asked);
            assertThat(results).hasSize(2 * asked.size());
            assertThat(results.stream()
                            .collect(Collectors.groupingBy(
                                    record -> record.value().orderId(),
                                    Collectors.mapping(record -> record.value().paymentId(), Collectors.toSet()))))
                    .as("a replay is answered with the same authorisation")
                    .allSatisfy((order, ids) -> assertThat(ids).hasSize(1));
            assertThat(asked)
                    .allSatisfy(request -> assertThat(gateway.authorisations(request.orderId()))
                            .isEqualTo(1));
            assertThat(gateway.calls()).isEqualTo(2L * asked.size());
            assertThat(gateway.doubleCharges()).isEmpty();
        }
    }

    @Test
    void aWorkerClosedMidBatchAndStartedAgainLeavesOneResultPerRequestAndChargesOnce() throws Exception {
        final List<PaymentRequest> asked = IntStream.range(0, 120)
                .mapToObj(i -> authorise("gina-" + i % 7, PaymentSimulator.APPROVED_CARD))
                .toList();
        try (PaymentSimulator gateway = new PaymentSimulator(
                new PaymentSimulator.Behaviour(Duration.ofMillis(150), Duration.ofMillis(150), 0.05, 3))) {
            final PaymentWorker.Settings settings = new PaymentWorker.Settings(8, Duration.ofMillis(600));
            publish(asked);
            final int committedAtClose;
            try (PaymentWorker first =
                    PaymentWorker.start(KafkaClients.of(clientProps()), "test-payments-restart", gateway, settings)) {
                await(() -> !resultsFor(asked).isEmpty());
            }
            committedAtClose = resultsFor(asked).size();
            assertThat(committedAtClose).as("closed in the middle").isBetween(1, asked.size() - 1);

            try (PaymentWorker second =
                    PaymentWorker.start(KafkaClients.of(clientProps()), "test-payments-restart", gateway, settings)) {
                awaitCaughtUp();
            }

            assertExactlyOneResultPerRequest(asked);
            assertThat(gateway.doubleCharges()).isEmpty();
            assertThat(asked)
                    .allSatisfy(request -> assertThat(gateway.authorisations(request.orderId()))
                            .isEqualTo(1));
        }
    }

    @Test
    void aFencedWorkerStopsAndItsBatchIsAnsweredOnceByTheWorkerThatTookItsPlace() throws Exception {
        final List<PaymentRequest> asked = IntStream.range(0, 80)
                .mapToObj(i -> authorise("hank-" + i % 5, PaymentSimulator.APPROVED_CARD))
                .toList();
        try (PaymentSimulator gateway = new PaymentSimulator(
                new PaymentSimulator.Behaviour(Duration.ofMillis(100), Duration.ofMillis(100), 0, 5))) {
            final PaymentWorker.Settings settings = new PaymentWorker.Settings(4, Duration.ofSeconds(2));
            publish(asked);
            try (PaymentWorker zombie =
                    PaymentWorker.start(KafkaClients.of(clientProps()), "test-payments-fenced", gateway, settings)) {
                await(() -> !resultsFor(asked).isEmpty());
                // the same transactional id: the zombie's producer is fenced, its open transaction aborted
                try (PaymentWorker successor = PaymentWorker.start(
                        KafkaClients.of(clientProps()), "test-payments-fenced", gateway, settings)) {
                    awaitCaughtUp();
                }
            }

            assertExactlyOneResultPerRequest(asked);
            assertThat(gateway.doubleCharges()).isEmpty();
        }
    }

    @Test
    void keepsManyCallsInFlightUpToItsConcurrency() throws Exception {
        final List<PaymentRequest> asked = IntStream.range(0, 60)
                .mapToObj(i -> authorise("ivy-" + i, PaymentSimulator.APPROVED_CARD))
                .toList();
        try (CountingGateway gateway = new CountingGateway();
                PaymentWorker worker = PaymentWorker.start(
                        KafkaClients.of(clientProps()),
                        "test-payments-concurrency",
                        gateway,
                        new PaymentWorker.Settings(6, Duration.ofSeconds(5)))) {
            publish(asked);
            awaitCaughtUp();

            assertThat(gateway.mostAtOnce.get()).isGreaterThan(1).isLessThanOrEqualTo(6);
        }
        assertExactlyOneResultPerRequest(asked);
    }

    @Test
    void sendsMalformedRecordsToDeadLettersAndGoesOn() throws Exception {
        final PaymentRequest good = authorise("judy", PaymentSimulator.APPROVED_CARD);
        final String notJson = "{not json " + UUID.randomUUID();
        final String noCard = "{\"orderId\":\"o-nocard-" + UUID.randomUUID() + "\",\"customerId\":\"judy\","
                + "\"operation\":\"AUTHORISE\",\"amount\":42.50,\"currency\":\"EUR\"}";
        final String noKey = "{\"orderId\":\"o-nokey-" + UUID.randomUUID() + "\",\"customerId\":\"judy\","
                + "\"operation\":\"VOID\",\"authorisationId\":\"auth-1\"}";
        try (PaymentSimulator gateway = new PaymentSimulator();
                PaymentWorker worker = PaymentWorker.start(
                        KafkaClients.of(clientProps()),
                        "test-payments-dead-letters",
                        gateway,
                        PaymentWorker.Settings.DEFAULT)) {
            send("judy", notJson, null);
            send("judy", noCard, null);
            send(null, noKey, null);
            publish(List.of(good));
            awaitCaughtUp();
        }

        assertThat(resultsFor(List.of(good)))
                .extracting(record -> record.value().status())
                .containsExactly(PaymentStatus.APPROVED);
        final List<ConsumerRecord<byte[], byte[]>> letters = KafkaTestClients.readCommitted(
                        clientProps(), Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .stream()
                .filter(letter ->
                        Set.of(notJson, noCard, noKey).contains(new String(letter.value(), StandardCharsets.UTF_8)))
                .toList();
        assertThat(letters).hasSize(3).allSatisfy(letter -> {
            assertThat(header(letter, DeadLetters.TOPIC)).isEqualTo(Topics.PAYMENT_REQUESTS.name());
            assertThat(header(letter, DeadLetters.EXCEPTION)).isNotBlank();
            assertThat(header(letter, DeadLetters.MESSAGE)).isNotBlank();
        });
        assertThat(letters)
                .extracting(letter -> header(letter, DeadLetters.MESSAGE))
                .anySatisfy(message -> assertThat(message).contains("AUTHORISE needs"))
                .anySatisfy(message -> assertThat(message).contains("key"));
    }

    // ---- helpers

    /** A gateway that answers every call after 50 ms and counts the most calls it had at once. */
    private static final class CountingGateway implements PaymentGateway, AutoCloseable {

        final AtomicInteger atOnce = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();

        @Override
        public CompletableFuture<GatewayAnswer> authorise(
                final String idempotencyKey, final BigDecimal amount, final String currency, final String card) {
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            final CompletableFuture<GatewayAnswer> answer = new CompletableFuture<>();
            answers.schedule(
                    () -> {
                        atOnce.decrementAndGet();
                        answer.complete(new GatewayAnswer("auth-" + idempotencyKey, PaymentStatus.APPROVED));
                    },
                    50,
                    TimeUnit.MILLISECONDS);
            return answer;
        }

        @Override
        public CompletableFuture<GatewayAnswer> capture(
                final String idempotencyKey,
                final String authorisationId,
                final BigDecimal amount,
                final String currency) {
            throw new UnsupportedOperationException("only authorisations are asked here");
        }

        @Override
        public CompletableFuture<GatewayAnswer> voidAuthorisation(
                final String idempotencyKey, final String authorisationId) {
            throw new UnsupportedOperationException("only authorisations are asked here");
        }

        @Override
        public void close() {
            answers.shutdownNow();
        }
    }

    private static PaymentRequest authorise(final String customerId, final String card) {
        return new PaymentRequest(
                "o-" + UUID.randomUUID(), customerId, PaymentOperation.AUTHORISE, AMOUNT, "EUR", card, null);
    }

    private static PaymentRequest follow(
            final PaymentRequest authorisation, final PaymentOperation operation, final String authorisationId) {
        return new PaymentRequest(
                authorisation.orderId(), authorisation.customerId(), operation, AMOUNT, "EUR", null, authorisationId);
    }

    private static void publish(final List<PaymentRequest> asked) throws Exception {
        for (final PaymentRequest request : asked) {
            send(
                    request.customerId(),
                    new String(
                            Topics.PAYMENT_REQUESTS
                                    .valueSerde()
                                    .serializer()
                                    .serialize(Topics.PAYMENT_REQUESTS.name(), request),
                            StandardCharsets.UTF_8),
                    "req-" + request.orderId());
        }
        producer.flush();
    }

    private static void send(final String key, final String value, final String correlationId) throws Exception {
        producer.send(new ProducerRecord<>(
                        Topics.PAYMENT_REQUESTS.name(),
                        null,
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8),
                        CorrelationId.headers(correlationId)))
                .get();
    }

    private static void assertExactlyOneResultPerRequest(final List<PaymentRequest> asked) {
        final Map<String, Long> perOrder = resultsFor(asked).stream()
                .collect(Collectors.groupingBy(record -> record.value().orderId(), Collectors.counting()));
        assertThat(perOrder)
                .hasSize(asked.size())
                .allSatisfy((order, count) -> assertThat(count).as(order).isEqualTo(1));
    }

    /** The committed results of these requests' orders, read from the start. */
    private static List<ConsumerRecord<String, PaymentResult>> resultsFor(final List<PaymentRequest> asked) {
        final Set<String> orders = asked.stream().map(PaymentRequest::orderId).collect(Collectors.toSet());
        return new ArrayList<>(KafkaTestClients.readCommitted(
                        clientProps(),
                        Topics.PAYMENT_RESULTS.name(),
                        new StringDeserializer(),
                        Topics.PAYMENT_RESULTS.valueSerde().deserializer())
                .stream()
                .filter(record -> orders.contains(record.value().orderId()))
                .toList());
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Until the workers' group has committed every request on the topic. */
    private static void awaitCaughtUp() throws Exception {
        final List<TopicPartition> partitions = admin
                .describeTopics(List.of(Topics.PAYMENT_REQUESTS.name()))
                .allTopicNames()
                .get()
                .get(Topics.PAYMENT_REQUESTS.name())
                .partitions()
                .stream()
                .map(partition -> new TopicPartition(Topics.PAYMENT_REQUESTS.name(), partition.partition()))
                .toList();
        await(() -> {
            try {
                final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                PaymentWorker.GROUP_ID)
                        .partitionsToOffsetAndMetadata()
                        .get();
                final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                                partitions.stream()
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

    private static void await(final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", WAIT).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** A killed worker's partitions and its open transaction are let go as soon as a stream thread's. */
    @Test
    void aDeadWorkerIsFoundAndItsTransactionAbortedWithinTheStreamThreadsTimes() {
        final KafkaClients clients = KafkaClients.of(clientProps());
        final Properties consumer = PaymentWorker.consumerProps(clients, PaymentWorker.Settings.DEFAULT);
        final Properties streams = StreamsSettings.of("localhost:9092", Path.of("unused"), Map.of());

        // the group's own configs under the consumer rebalance protocol, which the worker asks for
        assertThat(consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)).isEqualTo("consumer");
        assertThat(clients.groupSettings().get("consumer.session.timeout.ms"))
                .isEqualTo(streams.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)))
                .isEqualTo("6000");
        assertThat(clients.groupSettings().get("consumer.heartbeat.interval.ms"))
                .isEqualTo("1000");
        assertThat(Long.toString(PaymentWorker.TRANSACTION_TIMEOUT.toMillis()))
                .isEqualTo(streams.get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)))
                .isEqualTo("5000");
    }

    private static Properties clientProps() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return props;
    }
}
