package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.verify.VerificationReport;
import io.purchasepipeline.verify.VerificationReport.Check;
import io.purchasepipeline.verify.VerificationReport.OrderCounts;
import io.purchasepipeline.verify.VerificationReport.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

class LoadSummaryTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final LoadSummary.Settings SETTINGS = new LoadSummary.Settings(
            "max",
            1000L,
            null,
            10_000,
            1000,
            10,
            0.9,
            3,
            0.05,
            10,
            0,
            1_000_000,
            Map.of("approved", 98.0, "declined", 2.0),
            60);

    private final OrderIds ids = new OrderIds(99);

    @Test
    void ratesAreOverTheMeasuredIntervalAndLatenciesInMilliseconds() throws Exception {
        // 101 orders sent one every 10 ms from t = 1 s, each ending 200 ms (the last 300 ms) after it was sent
        final Outcomes outcomes = new Outcomes(ids, 1000);
        for (int seq = 0; seq <= 100; seq++) {
            outcomes.awaitRoom(Duration.ZERO);
            outcomes.placed(seq, SECOND + seq * SECOND / 100, SECOND + seq * SECOND / 100);
        }
        for (int seq = 0; seq < 100; seq++) {
            outcomes.ended(
                    ids.id(seq),
                    seq % 10 == 0 ? OrderStatus.PAYMENT_DECLINED : OrderStatus.COMPLETED,
                    SECOND + seq * SECOND / 100 + SECOND / 5);
        }
        outcomes.ended(ids.id(100), OrderStatus.COMPLETED, 2 * SECOND + 3 * SECOND / 10);

        final LoadSummary summary = LoadSummary.of(
                ids.runTag(), 42, SETTINGS, outcomes.result(), null, OrderSender.Stop.ORDERS, report(List.of()), null);

        assertThat(summary.ordersSent()).isEqualTo(101);
        assertThat(summary.sendSeconds()).isEqualTo(1.0);
        assertThat(summary.offeredPerSecond()).isEqualTo(100.0);
        assertThat(summary.elapsedSeconds()).isEqualTo(1.3);
        assertThat(summary.achievedPerSecond()).isEqualTo(77.7);
        assertThat(summary.behindScheduleMs()).isZero();
        assertThat(summary.latencyMs().count()).isEqualTo(101);
        // to the histogram's three significant digits
        assertThat(summary.latencyMs().p50()).isCloseTo(200.0, within(0.2));
        assertThat(summary.latencyMs().p99()).isCloseTo(200.0, within(0.2));
        assertThat(summary.latencyMs().max()).isCloseTo(300.0, within(0.3));
        assertThat(summary.terminalStates())
                .containsEntry(OrderStatus.COMPLETED, 91L)
                .containsEntry(OrderStatus.PAYMENT_DECLINED, 10L)
                .containsEntry(OrderStatus.REJECTED_FRAUD, 0L);
        assertThat(summary.ok()).isTrue();
        assertThat(summary.exitCode()).isZero();
        assertThat(summary.text())
                .contains("Sent       101 orders in 1.0 s: 100 orders/s offered")
                .contains("p50 200.1, p95 200.1, p99 200.1")
                .contains("COMPLETED 91, REJECTED_FRAUD 0")
                .contains("Invariants hold (1 checks over the topics)")
                .contains("Every order ended exactly once.")
                .doesNotContain("Behind");
    }

    @Test
    void aSenderHeldBackByAFullWindowOfferedLessThanItsRateAndSaysSo() throws Exception {
        // due every 10 ms from t = 1 s, but the window of two let the third out only at t = 1.52 s
        final Outcomes outcomes = new Outcomes(ids, 2);
        outcomes.awaitRoom(Duration.ZERO);
        outcomes.placed(0, SECOND, SECOND);
        outcomes.awaitRoom(Duration.ZERO);
        outcomes.placed(1, SECOND + SECOND / 100, SECOND + SECOND / 100);
        assertThat(outcomes.awaitRoom(Duration.ZERO)).isFalse();
        outcomes.ended(ids.id(0), OrderStatus.COMPLETED, SECOND + 52 * SECOND / 100);
        outcomes.awaitRoom(Duration.ZERO);
        outcomes.placed(2, SECOND + SECOND / 50, SECOND + 52 * SECOND / 100);

        final LoadSummary summary =
                LoadSummary.of("r", 1, SETTINGS, outcomes.result(), null, OrderSender.Stop.ORDERS, null, null);

        assertThat(summary.sendSeconds()).isEqualTo(0.52);
        assertThat(summary.offeredPerSecond()).isEqualTo(3.8);
        assertThat(summary.behindScheduleMs()).isEqualTo(500.0);
        assertThat(summary.windowFilled()).isTrue();
        assertThat(summary.text())
                .contains("Behind     the schedule by up to 0.5 s: the window of orders in flight filled up, "
                        + "the pipeline did not keep up with rate max");
    }

    @Test
    void aSenderLateWithRoomInTheWindowWasHeldUpByItself() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        outcomes.awaitRoom(Duration.ZERO);
        outcomes.placed(0, SECOND, SECOND + SECOND / 5);

        final LoadSummary summary =
                LoadSummary.of("r", 1, SETTINGS, outcomes.result(), null, OrderSender.Stop.ORDERS, null, null);

        assertThat(summary.windowFilled()).isFalse();
        assertThat(summary.text()).contains("Behind     the schedule by up to 0.2 s: the sender itself was held up");
    }

    @Test
    void theJsonHasEveryFigure() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        outcomes.awaitRoom(Duration.ZERO);
        outcomes.placed(0, SECOND, SECOND);
        outcomes.ended(ids.id(0), OrderStatus.COMPLETED, SECOND + SECOND / 4);
        final LoadSummary summary = LoadSummary.of(
                ids.runTag(),
                42,
                SETTINGS,
                outcomes.result(),
                null,
                OrderSender.Stop.DURATION,
                report(List.of()),
                null);

        final JsonNode json = JsonSerde.MAPPER.readTree(JsonSerde.MAPPER.writeValueAsString(summary));

        assertThat(json.path("run").asText()).isEqualTo(ids.runTag());
        assertThat(json.path("seed").asLong()).isEqualTo(42);
        assertThat(json.path("ok").asBoolean()).isTrue();
        assertThat(json.path("stopped").asText()).isEqualTo("DURATION");
        assertThat(json.path("ordersSent").asLong()).isEqualTo(1);
        assertThat(json.path("ended").asLong()).isEqualTo(1);
        assertThat(json.path("latencyMs").path("p99").asDouble()).isCloseTo(250.0, within(0.3));
        assertThat(json.path("terminalStates").path("COMPLETED").asLong()).isEqualTo(1);
        assertThat(json.path("terminalStates").size()).isEqualTo(5);
        assertThat(json.path("notEnded").asLong()).isZero();
        assertThat(json.path("duplicates").asLong()).isZero();
        assertThat(json.path("invariants").path("ok").asBoolean()).isTrue();
        assertThat(json.path("invariants").path("checks").get(0).path("name").asText())
                .isEqualTo("terminal-state");
        assertThat(json.path("settings").path("rate").asText()).isEqualTo("max");
        assertThat(json.path("settings").path("hotShare").asDouble()).isEqualTo(0.9);
        assertThat(json.path("settings").path("cards").path("declined").asDouble())
                .isEqualTo(2.0);
        assertThat(json.has("offeredPerSecond")
                        && json.has("achievedPerSecond")
                        && json.has("sendSeconds")
                        && json.has("elapsedSeconds"))
                .isTrue();
    }

    @Test
    void anOrderNotEndedOrEndedTwiceOrABrokenInvariantFailsTheRun() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        for (int seq = 0; seq < 3; seq++) {
            outcomes.awaitRoom(Duration.ZERO);
            outcomes.placed(seq, SECOND, SECOND);
        }
        outcomes.ended(ids.id(0), OrderStatus.COMPLETED, 2 * SECOND);
        final LoadSummary notEnded =
                LoadSummary.of("r", 1, SETTINGS, outcomes.result(), null, OrderSender.Stop.ORDERS, null, null);
        outcomes.ended(ids.id(1), OrderStatus.COMPLETED, 2 * SECOND);
        outcomes.ended(ids.id(2), OrderStatus.COMPLETED, 2 * SECOND);
        outcomes.ended(ids.id(2), OrderStatus.EXPIRED, 3 * SECOND);
        final LoadSummary endedTwice =
                LoadSummary.of("r", 1, SETTINGS, outcomes.result(), null, OrderSender.Stop.ORDERS, null, null);

        assertThat(notEnded.exitCode()).isEqualTo(LoadSummary.VIOLATED);
        assertThat(notEnded.ok()).isFalse();
        assertThat(notEnded.notEndedSample()).containsExactly(ids.id(1), ids.id(2));
        assertThat(notEnded.text())
                .contains("Not ended  2 within the timeout, e.g. " + ids.id(1))
                .contains("FAILED (exit code 3)")
                .contains("Invariants not checked");
        assertThat(endedTwice.exitCode()).isEqualTo(LoadSummary.VIOLATED);
        assertThat(endedTwice.text()).contains("Twice      1 ended again, e.g. " + ids.id(2));

        final Outcomes clean = new Outcomes(ids, 10);
        final LoadSummary broken = LoadSummary.of(
                "r",
                1,
                SETTINGS,
                clean.result(),
                null,
                OrderSender.Stop.ORDERS,
                report(List.of(new Violation(List.of("seat-1", "o1", "o2"), "sold 2 times"))),
                null);
        assertThat(broken.exitCode()).isEqualTo(LoadSummary.VIOLATED);
        assertThat(broken.invariants().checks())
                .containsExactly(new LoadSummary.Invariants.Check(
                        "terminal-state", false, 1, List.of("seat-1, o1, o2: sold 2 times")));
        assertThat(broken.text()).contains("Invariants BROKEN: terminal-state 1 [seat-1, o1, o2: sold 2 times]");
    }

    @Test
    void ordersKafkaDidNotTakeFailTheRunWithoutBreakingAnInvariant() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        outcomes.awaitRoom(Duration.ZERO);
        outcomes.placed(0, SECOND, SECOND);
        outcomes.failed(0, new KafkaException("not enough replicas"));

        final LoadSummary summary = LoadSummary.of(
                "r",
                1,
                SETTINGS,
                outcomes.result(),
                outcomes.firstFailure(),
                OrderSender.Stop.SEND_FAILED,
                report(List.of()),
                null);

        assertThat(summary.exitCode()).isEqualTo(LoadSummary.SEND_FAILED);
        assertThat(summary.sendFailures()).isEqualTo(1);
        assertThat(summary.text())
                .contains("1 failed (not enough replicas)")
                .contains("Stopped    early: Kafka did not take an order");
    }

    @Test
    void overHttpTheAnswersAndTheirTimesAreReportedAndAnOrderNotAcceptedFailsTheRun() throws Exception {
        final Outcomes outcomes = new Outcomes(ids, 10);
        final HttpAnswers answers = new HttpAnswers();
        for (int seq = 0; seq < 3; seq++) {
            outcomes.awaitRoom(Duration.ZERO);
            outcomes.placed(seq, SECOND, SECOND);
        }
        answers.answered(202, 4 * SECOND / 1000);
        answers.answered(202, 8 * SECOND / 1000);
        outcomes.ended(ids.id(0), OrderStatus.COMPLETED, SECOND + SECOND / 4);
        outcomes.ended(ids.id(1), OrderStatus.COMPLETED, SECOND + SECOND / 4);
        answers.answered(503, SECOND / 1000);
        outcomes.failed(2, new IllegalStateException("HTTP 503 from http://a/orders: {}"));

        final LoadSummary summary = LoadSummary.of(
                "r",
                1,
                SETTINGS,
                outcomes.result(),
                outcomes.firstFailure(),
                OrderSender.Stop.ORDERS,
                null,
                LoadSummary.Http.of(List.of("http://a", "http://b"), 4, answers));

        assertThat(summary.exitCode()).isEqualTo(LoadSummary.SEND_FAILED);
        assertThat(summary.ordersSent()).isEqualTo(2);
        assertThat(summary.sendFailures()).isEqualTo(1);
        assertThat(summary.http().answers()).containsExactly(Map.entry(202, 2L), Map.entry(503, 1L));
        assertThat(summary.http().notAccepted()).isEqualTo(1);
        assertThat(summary.http().answerMs().count()).isEqualTo(2);
        assertThat(summary.http().answerMs().p50()).isCloseTo(4.0, within(0.01));
        assertThat(summary.http().answerMs().max()).isCloseTo(8.0, within(0.01));
        assertThat(summary.text())
                .contains("HTTP       4 clients over http://a, http://b: answers 202: 2, 503: 1; "
                        + "accepted in p50 4.0 ms, p99 8.0 ms, max 8.0 ms; NOT accepted: 1")
                .contains("1 failed (HTTP 503 from http://a/orders: {})");
        final JsonNode json = JsonSerde.MAPPER.readTree(JsonSerde.MAPPER.writeValueAsString(summary));
        assertThat(json.path("http").path("clients").asInt()).isEqualTo(4);
        assertThat(json.path("http").path("answers").path("503").asLong()).isEqualTo(1);
        assertThat(json.path("http").path("answerMs").path("p99").asDouble()).isCloseTo(8.0, within(0.01));
    }

    @Test
    void ordersWrittenToKafkaHaveNoHttpSection() throws Exception {
        final LoadSummary summary = LoadSummary.of(
                "r", 1, SETTINGS, new Outcomes(ids, 10).result(), null, OrderSender.Stop.ORDERS, null, null);

        assertThat(JsonSerde.MAPPER
                        .readTree(JsonSerde.MAPPER.writeValueAsString(summary))
                        .has("http"))
                .isFalse();
        assertThat(summary.text()).doesNotContain("HTTP ");
    }

    private static VerificationReport report(final List<Violation> violations) {
        return new VerificationReport(
                true,
                Map.of(),
                new OrderCounts(0, 0, 0, 0, 0),
                Map.of(),
                0,
                List.of(),
                List.of(),
                List.of(new Check("terminal-state", "every order ends once", true, violations)));
    }
}
