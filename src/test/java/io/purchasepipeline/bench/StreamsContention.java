package io.purchasepipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.bench.ContentionCheck.KeyState;
import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.instance.InstanceSettings;
import io.purchasepipeline.instance.PipelineApp;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.ReservationAction;
import io.purchasepipeline.serdes.ReservationCommand;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.SeatOutcome;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * A workload through the real pipeline: one Kafka broker in this JVM and one instance of the
 * application with its production settings (exactly-once, {@code acks=all}). Each attempt is a
 * command on the topic the pipeline reads for it: a HOLD of one unit on {@code reservation-commands}
 * (the per-SKU store's path for orders), or a RESERVE on {@code seat-reservations} (the seat
 * routes' path). The answers are read back as the pipeline commits them ({@code read_committed}):
 * the HOLD's {@code LineResult} on its way back to the order, the {@code SeatResult} on
 * {@code seat-reservation-results}. The sender keeps at most {@code inFlight} attempts unanswered,
 * like that many users waiting for their answer.
 */
final class StreamsContention implements AutoCloseable {

    static final int PARTITIONS = 6;
    /** Where the SKU's owner sends each HOLD's answer, back to the order's partition. */
    static final String LINE_RESULTS = Topics.RESERVATION_RESULTS.name();

    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

    private final KafkaClusterTestKit kafka;
    private final PipelineApp app;
    private final String baseUrl;
    private final Path root;
    private final Map<String, String> producerSettings;
    private final HttpClient http = HttpClient.newHttpClient();

    private StreamsContention(
            final KafkaClusterTestKit kafka,
            final PipelineApp app,
            final String baseUrl,
            final Path root,
            final Map<String, String> producerSettings) {
        this.kafka = kafka;
        this.app = app;
        this.baseUrl = baseUrl;
        this.root = root;
        this.producerSettings = producerSettings;
    }

    /**
     * @param streamsOverrides settings on top of the production ones (none for the figures)
     * @param producerSettings the bench's own producer: batching, on top of {@code acks=all} and idempotence
     */
    static StreamsContention start(
            final Map<String, String> streamsOverrides, final Map<String, String> producerSettings) throws Exception {
        final KafkaClusterTestKit kafka = InJvmPipeline.startKafka();
        final Path root = Files.createTempDirectory("contention-bench");
        try (Admin admin =
                Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, PARTITIONS, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        }
        final Map<String, String> settings = new HashMap<>();
        // one broker: internal topics with one replica (acks=all then waits for that one)
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        settings.putAll(streamsOverrides);
        final int port = LoopbackPorts.free(1).get(0);
        final PipelineApp app = PipelineApp.start(InstanceSettings.on(kafka.bootstrapServers(), settings)
                .storage(root.resolve("state"), root.resolve("data"))
                .http("127.0.0.1", new HostInfo("127.0.0.1", port), HttpAccess.open())
                .payments(new PaymentSimulator())
                .mail(MailSettings.outbox(root.resolve("data").resolve("outbox")))
                .build());
        final StreamsContention streams =
                new StreamsContention(kafka, app, "http://127.0.0.1:" + port, root, producerSettings);
        streams.awaitRunning();
        return streams;
    }

    /** The settings the pipeline runs with, for the results. */
    String durability() {
        return "Kafka " + AppInfoParser.getVersion() + ", one broker (replication 1): "
                + "processing.guarantee=exactly_once_v2, producers acks=all with idempotence, answers read read_committed";
    }

    /** Puts the workloads' SKUs and seats in the catalog and waits until their owners applied them. */
    void define(final List<ContentionWorkload> workloads) throws Exception {
        final Set<String> expected = new HashSet<>();
        try (KafkaProducer<String, Product> producer =
                producer(Topics.CATALOG.valueSerde().serializer())) {
            for (final ContentionWorkload workload : workloads) {
                for (int k = 0; k < workload.keys().size(); k++) {
                    final String key = workload.keys().get(k);
                    final Product product = workload.kind() == ContentionWorkload.Kind.SEATS
                            ? new Product(key, "Seat " + key, ProductKind.SEAT, new BigDecimal("75.00"), null)
                            : new Product(
                                    key,
                                    "Product " + key,
                                    ProductKind.PHYSICAL,
                                    new BigDecimal("10.00"),
                                    workload.stock()[k]);
                    producer.send(new ProducerRecord<>(Topics.CATALOG.name(), key, product));
                    expected.add(key);
                }
            }
            producer.flush();
        }
        try (KafkaConsumer<String, Product> consumer =
                consumer(Topics.PRODUCTS.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = partitions(consumer, Topics.PRODUCTS.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
            while (!expected.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(expected.size() + " products never applied, e.g. "
                            + expected.iterator().next());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> expected.remove(record.key()));
            }
        }
    }

    ContentionRun run(final ContentionWorkload workload, final String run, final int inFlight) throws Exception {
        return workload.kind() == ContentionWorkload.Kind.SEATS
                ? run(
                        workload,
                        run,
                        inFlight,
                        Topics.SEAT_RESERVATIONS.name(),
                        Topics.SEAT_RESERVATIONS.valueSerde().serializer(),
                        i -> new SeatCommand(
                                ContentionWorkload.attemptId(run, i),
                                workload.keyOf(i),
                                ContentionWorkload.attemptId(run, i),
                                SeatAction.RESERVE),
                        Topics.SEAT_RESERVATION_RESULTS.name(),
                        Topics.SEAT_RESERVATION_RESULTS.valueSerde().deserializer(),
                        SeatResult::requestId,
                        result -> result.outcome() == SeatOutcome.RESERVED)
                : run(
                        workload,
                        run,
                        inFlight,
                        Topics.RESERVATION_COMMANDS.name(),
                        Topics.RESERVATION_COMMANDS.valueSerde().serializer(),
                        i -> new ReservationCommand(
                                ContentionWorkload.attemptId(run, i),
                                workload.keyOf(i),
                                ReservationAction.HOLD,
                                1,
                                "customer-" + i),
                        LINE_RESULTS,
                        JsonSerde.of(LineResult.class).deserializer(),
                        LineResult::orderId,
                        result -> result.outcome().held());
    }

    private <C, A> ContentionRun run(
            final ContentionWorkload workload,
            final String run,
            final int inFlight,
            final String commandTopic,
            final Serializer<C> commands,
            final Function<Integer, C> command,
            final String answerTopic,
            final Deserializer<A> answers,
            final Function<A, String> answerId,
            final Function<A, Boolean> isWin)
            throws Exception {
        final int attempts = workload.attempts();
        final AtomicLongArray sentAt = new AtomicLongArray(attempts);
        final long[] latency = new long[attempts];
        final boolean[] won = new boolean[attempts];
        final boolean[] answered = new boolean[attempts];
        final Semaphore window = new Semaphore(inFlight);
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final long[] lastAnswer = new long[1];

        try (KafkaConsumer<String, A> consumer = consumer(answers);
                KafkaProducer<String, C> producer = producer(commands)) {
            final List<TopicPartition> partitions = partitions(consumer, answerTopic);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            final Thread reader = new Thread(
                    () -> {
                        int count = 0;
                        final long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos() + attempts * 1_000_000L;
                        while (count < attempts && failure.get() == null && System.nanoTime() < deadline) {
                            for (final ConsumerRecord<String, A> record : consumer.poll(Duration.ofMillis(50))) {
                                final long now = System.nanoTime();
                                final A answer = record.value();
                                final int i = answer == null
                                        ? -1
                                        : ContentionWorkload.attemptIndex(run, answerId.apply(answer));
                                if (i < 0 || answered[i]) {
                                    continue;
                                }
                                answered[i] = true;
                                latency[i] = now - sentAt.get(i);
                                won[i] = isWin.apply(answer);
                                lastAnswer[0] = now;
                                count++;
                                window.release();
                            }
                        }
                        if (count < attempts) {
                            failure.compareAndSet(
                                    null,
                                    new IllegalStateException((attempts - count) + " of " + attempts + " attempts of "
                                            + run + " never answered"));
                            window.release(attempts);
                        }
                    },
                    "contention-answers-" + run);
            reader.start();

            final CpuMeter cpu = CpuMeter.start();
            final long started = System.nanoTime();
            for (int i = 0; i < attempts && failure.get() == null; i++) {
                if (!window.tryAcquire(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    failure.compareAndSet(
                            null, new IllegalStateException("no answer for " + ANSWER_TIMEOUT + " in " + run));
                    break;
                }
                sentAt.set(i, System.nanoTime());
                producer.send(
                        new ProducerRecord<>(commandTopic, workload.keyOf(i), command.apply(i)), (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
            reader.join();
            final ContentionRun.CpuCost cost = cpu.per(attempts);
            if (Boolean.getBoolean("bench.cpu-breakdown")) {
                System.out.println("CPU ms per 1000 attempts of " + workload.name() + " by thread: "
                        + cpu.byThreadGroup(attempts, 12));
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            // join() made the reader's writes visible here
            final ContentionCheck check = ContentionCheck.of(workload, run, won, finalStates(workload));
            return ContentionRun.of(
                    workload,
                    ContentionRun.STREAMS,
                    ContentionRun.STREAMS_STORE,
                    1,
                    inFlight,
                    latency,
                    lastAnswer[0] - started,
                    check,
                    0,
                    cost);
        }
    }

    /** Each key's state as the pipeline answers it over HTTP, from its owner's store. */
    private List<KeyState> finalStates(final ContentionWorkload workload) throws Exception {
        final List<KeyState> states = new ArrayList<>(workload.keys().size());
        for (final String key : workload.keys()) {
            if (workload.kind() == ContentionWorkload.Kind.SEATS) {
                final JsonNode seat = get("/api/v1/seats/" + key);
                states.add(KeyState.seat(
                        seat.path("reservedFor").isTextual()
                                ? seat.get("reservedFor").asText()
                                : null));
            } else {
                final JsonNode product = get("/products/" + key);
                states.add(KeyState.stock(
                        product.get("available").asLong(),
                        product.get("held").asLong() + product.get("sold").asLong()));
            }
        }
        return states;
    }

    private JsonNode get(final String path) throws Exception {
        final HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JsonSerde.MAPPER.readTree(response.body());
    }

    private void awaitRunning() throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the pipeline is " + app.streams().state() + " after 120 s");
            }
            Thread.sleep(100);
        }
    }

    private <V> KafkaProducer<String, V> producer(final Serializer<V> values) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putAll(producerSettings);
        return new KafkaProducer<>(props, new StringSerializer(), values);
    }

    private <V> KafkaConsumer<String, V> consumer(final Deserializer<V> values) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5000),
                new StringDeserializer(),
                values);
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<?, ?> consumer, final String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }

    @Override
    public void close() throws Exception {
        app.close();
        kafka.close();
        Utils.delete(root.toFile());
    }
}
