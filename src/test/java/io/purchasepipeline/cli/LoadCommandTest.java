package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.payment.Cards;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.tools.load.CardMix;
import io.purchasepipeline.tools.load.LoadCatalog;
import io.purchasepipeline.tools.load.OrderIds;
import io.purchasepipeline.tools.load.OrderMix;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code load} against the real pipeline (exactly-once, one instance) on an in-JVM Kafka broker. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LoadCommandTest {

    private static final int ORDERS = 300;
    private static final long SEED = 7;

    private static InJvmPipeline pipeline;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = InJvmPipeline.start(1, 3);
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        pipeline.close();
    }

    @Test
    void everyOrderEndsOnceAndTheSummaryHasTheFigures() throws Exception {
        final CliUnderTest cli = new CliUnderTest();
        final Path out = dir.resolve("load.json");

        final int exit = cli.execute(
                "load",
                "--bootstrap-servers",
                pipeline.bootstrapServers(),
                "--orders",
                Integer.toString(ORDERS),
                "--rate",
                "max",
                "--skus",
                "50",
                "--hot-skus",
                "5",
                "--hot-share",
                "0.9",
                "--seat-storm",
                "0.1",
                "--storm-seats",
                "3",
                "--cards",
                "approved=90,declined=10",
                "--seed",
                Long.toString(SEED),
                "--no-progress",
                "--out",
                out.toString());

        assertThat(exit).as(cli.out() + cli.err()).isZero();
        final JsonNode summary = JsonSerde.MAPPER.readTree(out.toFile());
        assertThat(summary.path("ok").asBoolean()).isTrue();
        assertThat(summary.path("seed").asLong()).isEqualTo(SEED);
        assertThat(summary.path("ordersSent").asLong()).isEqualTo(ORDERS);
        assertThat(summary.path("ended").asLong()).isEqualTo(ORDERS);
        assertThat(summary.path("notEnded").asLong()).isZero();
        assertThat(summary.path("duplicates").asLong()).isZero();
        assertThat(summary.path("stopped").asText()).isEqualTo("ORDERS");
        assertThat(summary.path("achievedPerSecond").asDouble()).isPositive();
        assertThat(summary.path("offeredPerSecond").asDouble()).isPositive();

        final JsonNode latency = summary.path("latencyMs");
        assertThat(latency.path("count").asLong()).isEqualTo(ORDERS);
        assertThat(latency.path("p50").asDouble()).isPositive();
        assertThat(latency.path("p95").asDouble())
                .isGreaterThanOrEqualTo(latency.path("p50").asDouble());
        assertThat(latency.path("p99").asDouble())
                .isGreaterThanOrEqualTo(latency.path("p95").asDouble());
        assertThat(latency.path("max").asDouble())
                .isGreaterThanOrEqualTo(latency.path("p99").asDouble());

        // the same seed gives the same orders: what each should end as is known, but for who wins a seat
        final Expected expected = expected();
        final JsonNode states = summary.path("terminalStates");
        assertThat(StreamSupport.stream(states.spliterator(), false)
                        .mapToLong(JsonNode::asLong)
                        .sum())
                .isEqualTo(ORDERS);
        assertThat(states.path("REJECTED_FRAUD").asLong()).isZero();
        assertThat(states.path("EXPIRED").asLong()).isZero();
        // three seats: at most three storm orders complete, whatever the race
        assertThat(states.path("COMPLETED").asLong())
                .isBetween(expected.physicalApproved(), expected.physicalApproved() + 3);
        assertThat(states.path("PAYMENT_DECLINED").asLong())
                .isBetween(expected.physicalDeclined(), expected.physicalDeclined() + expected.storm());
        assertThat(states.path("REJECTED_OUT_OF_STOCK").asLong())
                .isBetween(expected.storm() - 3 - expected.stormDeclined(), expected.storm());

        assertThat(summary.path("invariants").path("ok").asBoolean()).isTrue();
        assertThat(summary.path("invariants").path("checks"))
                .extracting(check -> check.path("name").asText())
                .contains("terminal-state", "charged-once", "physical-stock", "seat-holders", "email-ids");
        assertThat(cli.out())
                .contains("Catalog: 53 load products applied by the pipeline")
                .contains("Sent       300 orders")
                .contains("Every order ended exactly once.")
                .contains("Summary written to " + out);
    }

    @Test
    void aFixedRateForADurationSendsRateTimesDurationOrders() throws Exception {
        final CliUnderTest cli = new CliUnderTest();
        final Path out = dir.resolve("fixed.json");

        final int exit = cli.execute(
                "load",
                "--bootstrap-servers",
                pipeline.bootstrapServers(),
                "--rate",
                "50",
                "--duration",
                "2s",
                "--skus",
                "20",
                "--no-verify",
                "--no-progress",
                "--out",
                out.toString());

        assertThat(exit).as(cli.out() + cli.err()).isZero();
        final JsonNode summary = JsonSerde.MAPPER.readTree(out.toFile());
        assertThat(summary.path("ordersSent").asLong()).isEqualTo(100);
        assertThat(summary.path("ended").asLong()).isEqualTo(100);
        assertThat(summary.path("stopped").asText()).isEqualTo("DURATION");
        // measured over the real send times, so a busy machine moves it a little: the schedule itself
        // is checked without a clock in OrderSenderTest and RateTest
        assertThat(summary.path("offeredPerSecond").asDouble()).isPositive();
        assertThat(summary.path("settings").path("durationSeconds").asDouble()).isEqualTo(2.0);
        assertThat(summary.has("invariants")).isFalse();
        assertThat(cli.out()).contains("Invariants not checked");
    }

    @Test
    void overHttpEveryOrderAcceptedByTheApiEndsOnceAndTheSummaryHasTheAnswers() throws Exception {
        final CliUnderTest cli = new CliUnderTest();
        final Path out = dir.resolve("http.json");
        final String instance = pipeline.url(0);

        final int exit = cli.execute(
                "load",
                "--bootstrap-servers",
                pipeline.bootstrapServers(),
                "--http",
                instance,
                "--clients",
                "4",
                "--orders",
                "50",
                "--skus",
                "20",
                "--cards",
                "approved=80,declined=20",
                "--seed",
                Long.toString(SEED),
                "--no-progress",
                "--out",
                out.toString());

        assertThat(exit).as(cli.out() + cli.err()).isZero();
        final JsonNode summary = JsonSerde.MAPPER.readTree(out.toFile());
        assertThat(summary.path("ok").asBoolean()).isTrue();
        assertThat(summary.path("ordersSent").asLong()).isEqualTo(50);
        assertThat(summary.path("sendFailures").asLong()).isZero();
        assertThat(summary.path("ended").asLong()).isEqualTo(50);
        assertThat(summary.path("notEnded").asLong()).isZero();
        assertThat(summary.path("duplicates").asLong()).isZero();
        assertThat(summary.path("stopped").asText()).isEqualTo("ORDERS");
        assertThat(summary.path("achievedPerSecond").asDouble()).isPositive();
        assertThat(summary.path("latencyMs").path("count").asLong()).isEqualTo(50);
        final JsonNode states = summary.path("terminalStates");
        assertThat(states.path("COMPLETED").asLong()
                        + states.path("PAYMENT_DECLINED").asLong())
                .isEqualTo(50);
        assertThat(states.path("PAYMENT_DECLINED").asLong()).isPositive();
        assertThat(summary.path("invariants").path("ok").asBoolean()).isTrue();

        final JsonNode http = summary.path("http");
        assertThat(http.path("instances")).extracting(JsonNode::asText).containsExactly(instance);
        assertThat(http.path("clients").asInt()).isEqualTo(4);
        assertThat(http.path("answers").path("202").asLong()).isEqualTo(50);
        assertThat(http.path("answers")).hasSize(1);
        assertThat(http.path("notAccepted").asLong()).isZero();
        final JsonNode answered = http.path("answerMs");
        assertThat(answered.path("count").asLong()).isEqualTo(50);
        assertThat(answered.path("p50").asDouble()).isPositive();
        assertThat(answered.path("p99").asDouble())
                .isGreaterThanOrEqualTo(answered.path("p50").asDouble());
        // a buyer over HTTP waits for the order to be taken, which is before it ends
        assertThat(answered.path("p50").asDouble())
                .isLessThan(summary.path("latencyMs").path("p50").asDouble());
        assertThat(cli.out())
                .contains("over HTTP by 4 clients on " + instance)
                .contains("HTTP       4 clients over " + instance + ": answers 202: 50;")
                .contains("Every order ended exactly once.");
    }

    /** What the orders of {@link #SEED} end as, the seat races aside. */
    private static Expected expected() {
        final OrderIds ids = new OrderIds(1);
        final OrderMix mix = new OrderMix(
                new OrderMix.Spec(
                        50,
                        5,
                        0.9,
                        3,
                        0.1,
                        3,
                        0,
                        1_000_000,
                        new CardMix.Converter().convert("approved=90,declined=10")),
                new LoadCatalog(ids.runTag(), 50, 3, false),
                ids,
                SEED);
        final List<Order> orders =
                LongStream.range(0, ORDERS).mapToObj(mix::order).toList();
        final String declined = Cards.mask(PaymentSimulator.DECLINED_CARD);
        final List<Order> storm = orders.stream()
                .filter(order -> order.items().get(0).sku().contains("-seat-"))
                .toList();
        final long physicalDeclined = orders.stream()
                .filter(order -> !storm.contains(order))
                .filter(order -> order.payment().card().equals(declined))
                .count();
        return new Expected(
                ORDERS - storm.size() - physicalDeclined,
                physicalDeclined,
                storm.size(),
                storm.stream()
                        .filter(order -> order.payment().card().equals(declined))
                        .count());
    }

    private record Expected(long physicalApproved, long physicalDeclined, long storm, long stormDeclined) {}
}
