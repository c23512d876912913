package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.payment.SimulatedProvider;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.PaymentOperation;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.kafka.KafkaTestClients;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code worker}: its options, its errors, and a payment worker that answers. */
class WorkerCommandTest {

    private final CliUnderTest cli = new CliUnderTest();

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "worker payment --bootstrap-servers k:9092 --payment-timeout-share 1.5 | --payment-timeout-share is a share from 0 to 1 | worker payment",
                "worker payment --bootstrap-servers k:9092 --payment-concurrency 0     | --payment-concurrency must be at least 1      | worker payment",
                "worker payment --bootstrap-servers k:9092 --payment-latency soon      | 'soon' is not a duration                      | worker payment",
                "worker fraud --bootstrap-servers k:9092                               | Unmatched argument                            | worker",
                "run --payment-concurrency 0                                           | --payment-concurrency must be at least 1      | run",
                "run --payment-jitter -5ms                                             | is not a duration                             | run",
                "worker payment --bootstrap-servers k:9092 --payment-gateway-url ftp://pay.example | must be an http or https URL | worker payment",
                "run --payment-gateway-url http://pay.example/v1 --payment-latency 5ms | do not apply to --payment-gateway-url        | run"
            })
    void refusesBadOptionsWithTheReason(final String options, final String reason, final String usage) {
        final int exit = cli.execute(options.trim().split("\\s+"));

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err()).contains(reason).contains("Usage: purchase-pipeline " + usage);
    }

    @Test
    void aWorkerNeedsAKafka() {
        final String configured = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        assumeTrue(configured == null || configured.isBlank());

        final int exit = cli.execute("worker", "ebook");

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err())
                .contains("A worker needs a Kafka: give --bootstrap-servers or set KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void runsAPaymentWorkerUntilStopped() throws Exception {
        try (KafkaClusterTestKit cluster = InJvmPipeline.startKafka()) {
            final PaymentRequest request = authorise();
            final List<ConsumerRecord<String, PaymentResult>> results =
                    answered(cluster, request, "--payment-latency", "20ms");

            assertThat(results)
                    .extracting(
                            record -> record.value().orderId(),
                            record -> record.value().status())
                    .containsExactly(tuple(request.orderId(), PaymentStatus.APPROVED));
            assertThat(cli.out()).contains("Payment worker (built-in simulator, latency 20 ms", "until stopped");
        }
    }

    @Test
    void asksAPaymentProvidersApiWhenGivenItsUrl() throws Exception {
        try (KafkaClusterTestKit cluster = InJvmPipeline.startKafka();
                SimulatedProvider provider = SimulatedProvider.start(PaymentSimulator.Behaviour.INSTANT)) {
            final PaymentRequest request = authorise();
            final List<ConsumerRecord<String, PaymentResult>> results = answered(
                    cluster, request, "--payment-gateway-url", provider.url().toString());

            assertThat(results)
                    .extracting(
                            record -> record.value().orderId(),
                            record -> record.value().status())
                    .containsExactly(tuple(request.orderId(), PaymentStatus.APPROVED));
            assertThat(provider.simulator().authorisations(request.orderId())).isEqualTo(1);
            assertThat(cli.out()).contains("Payment worker (the provider's API at " + provider.url());
        }
    }

    @Test
    void anInstanceWithoutItsOwnPaymentWorkerLeavesThePaymentsToWorkerPayment() throws Exception {
        try (InJvmPipeline pipeline = InJvmPipeline.start(1, 2, HttpAccess.open(), null)) {
            final HttpClient http = HttpClient.newHttpClient();
            final HttpResponse<String> placed = http.send(
                    HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"customerId\":\"carol\",\"customerName\":\"Carol\","
                                            + "\"email\":\"carol@example.com\",\"items\":[{\"sku\":\"mug\",\"quantity\":1}],"
                                            + "\"payment\":{\"card\":\"" + PaymentSimulator.APPROVED_CARD + "\"}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(placed.statusCode()).isEqualTo(202);
            final String orderId =
                    JsonSerde.MAPPER.readTree(placed.body()).path("orderId").asText();
            final URI order = URI.create(pipeline.url(0) + "/orders/" + orderId + "?waitMs=20000");

            // held, and waiting for an authorisation nobody gives
            final String waiting = http.send(
                            HttpRequest.newBuilder(URI.create(pipeline.url(0) + "/orders/" + orderId + "?waitMs=5000"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(JsonSerde.MAPPER.readTree(waiting).path("status").asText())
                    .isNotEqualTo("COMPLETED");

            final WorkerCommand command = cli.subcommand("worker");
            final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
                    "worker",
                    "payment",
                    "--bootstrap-servers",
                    pipeline.bootstrapServers(),
                    "--instance-id",
                    "standalone"));
            final String ended = http.send(HttpRequest.newBuilder(order).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            command.stop();

            assertThat(JsonSerde.MAPPER.readTree(ended).path("status").asText()).isEqualTo("COMPLETED");
            assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
            assertThat(pipeline.app(0).payments())
                    .as("the instance's own payment worker")
                    .isNull();
        }
    }

    private static PaymentRequest authorise() {
        return new PaymentRequest(
                "o-" + UUID.randomUUID(),
                "alice",
                PaymentOperation.AUTHORISE,
                BigDecimal.TEN,
                "EUR",
                PaymentSimulator.APPROVED_CARD,
                null);
    }

    /** Runs {@code worker payment} with {@code options} until it has answered {@code request}, then stops it. */
    private List<ConsumerRecord<String, PaymentResult>> answered(
            final KafkaClusterTestKit cluster, final PaymentRequest request, final String... options) throws Exception {
        final Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            new TopicProvisioner(admin, 2, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        }
        final WorkerCommand command = cli.subcommand("worker");
        final List<String> args = new ArrayList<>(List.of(
                "worker",
                "payment",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--payment-concurrency",
                "4",
                "--instance-id",
                "cli-test"));
        args.addAll(List.of(options));
        final CompletableFuture<Integer> exit =
                CompletableFuture.supplyAsync(() -> cli.execute(args.toArray(String[]::new)));
        try (KafkaProducer<String, PaymentRequest> producer = new KafkaProducer<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                Topics.PAYMENT_REQUESTS.keySerde().serializer(),
                Topics.PAYMENT_REQUESTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.PAYMENT_REQUESTS.name(), "alice", request))
                    .get();
        }

        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<ConsumerRecord<String, PaymentResult>> results = List.of();
        while (results.isEmpty()) {
            assertThat(System.nanoTime()).as("waiting for the result").isLessThan(deadline);
            Thread.sleep(200);
            results = KafkaTestClients.readCommitted(
                    client,
                    Topics.PAYMENT_RESULTS.name(),
                    new StringDeserializer(),
                    Topics.PAYMENT_RESULTS.valueSerde().deserializer());
        }
        command.stop();

        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        return results;
    }
}
