package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How bench/run's report is put together from the runs' outputs (no Kafka involved). */
class BenchReportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String RAW = """
            49987 records sent, 9995.4 records/sec (3.81 MB/sec), 120.1 ms avg latency, 400.0 ms max latency.
            100000 records sent, 20512.3 records/sec (7.82 MB/sec), 95.42 ms avg latency, 512.00 ms max latency, \
            80 ms 50th, 210 ms 95th, 305 ms 99th, 480 ms 99.9th.
            """;

    private static JsonNode load(final String rate, final double achieved, final double p99, final boolean ok)
            throws Exception {
        return MAPPER.readTree("""
                {"run":"r1","seed":1,"settings":{"rate":"%s","orders":2000,"durationSeconds":3.0},
                 "ordersSent":2000,"ended":2000,"achievedPerSecond":%s,
                 "latencyMs":{"count":2000,"p50":10.0,"p95":50.0,"p99":%s,"p999":90.0,"max":100.0,"mean":12.0},
                 "notEnded":0,"duplicates":0,"ok":%s}
                """.formatted(rate, achieved, p99, ok));
    }

    /** {@code summary} as {@code load --http} writes it: with the answers' times. */
    private static JsonNode overHttp(final JsonNode summary, final double p50, final double p99) throws Exception {
        final ObjectNode withHttp = summary.deepCopy();
        withHttp.set("http", MAPPER.readTree("""
                {"instances":["http://127.0.0.1:8080"],"clients":64,"answers":{"202":2000},"notAccepted":0,
                 "answerMs":{"count":2000,"p50":%s,"p95":20.0,"p99":%s,"p999":60.0,"max":80.0,"mean":6.0}}
                """.formatted(p50, p99)));
        return withHttp;
    }

    private static BenchReport.Inputs inputs(final JsonNode contention, final String note) throws Exception {
        final Map<Integer, JsonNode> scaling = new TreeMap<>();
        scaling.put(1, load("max", 90, 900, true));
        scaling.put(2, load("max", 150, 700, true));
        scaling.put(3, load("max", 170, 650, true));
        final Map<Integer, JsonNode> below = new TreeMap<>();
        below.put(500, load("500", 499.0, 180.0, true));
        below.put(250, load("250", 250.0, 140.0, true));
        return new BenchReport.Inputs(
                "2026-11-23T20-00-00Z",
                true,
                480,
                "3.1 2.0 1.5",
                400,
                RAW,
                load("max", 104.5, 152961.0, true),
                load("1000", 98.2, 4321.5, true),
                below,
                scaling,
                contention,
                note);
    }

    private static ObjectNode assemble(final BenchReport.Inputs in) {
        return BenchReport.assemble(in, BenchReport.machine(in.loadAverage()));
    }

    @Test
    void requiredKeysComeFromTheRightRuns() throws Exception {
        final JsonNode contention = MAPPER.readTree("""
                {"hot_seat_ratio_vs_pessimistic": 7.5, "hot_seat_ratio_vs_best_sql": 2.25, "oversold": 0,
                 "rows": [{"workload":"hot-seat","strategy":"naive","oversold":12}]}
                """);
        final ObjectNode r = assemble(inputs(contention, null));

        assertThat(r.get("orders_per_s").asDouble()).isEqualTo(104.5); // the rate-max run
        assertThat(r.get("p99_ms_at_1000").asDouble()).isEqualTo(4321.5); // the 1,000/s run, not the max one
        assertThat(r.get("hot_seat_ratio_vs_pessimistic").asDouble()).isEqualTo(7.5);
        assertThat(r.get("hot_seat_ratio_vs_best_sql").asDouble()).isEqualTo(2.25);
        assertThat(r.get("oversold").asLong()).isZero(); // the bench's own sum, naive left out
        assertThat(r.get("quick").asBoolean()).isTrue();
        assertThat(r.get("date").asText()).isEqualTo("2026-11-23T20-00-00Z");
        assertThat(r.get("machine").get("cores").asInt()).isPositive();
        assertThat(r.get("machine").has("java")).isTrue();
        assertThat(r.get("machine").has("os")).isTrue();
        assertThat(r.get("load_max").get("achievedPerSecond").asDouble()).isEqualTo(104.5);
        assertThat(r.get("load_1000").get("settings").get("rate").asText()).isEqualTo("1000");
        assertThat(r.get("contention").get("rows")).hasSize(1);
        assertThat(r.get("loads_ok").asBoolean()).isTrue();

        final JsonNode below = r.get("latency_below_saturation"); // by rate offered, lowest first
        assertThat(below).hasSize(2);
        assertThat(below.get(0).get("offered_per_s").asInt()).isEqualTo(250);
        assertThat(below.get(0).get("p99_ms").asDouble()).isEqualTo(140.0);
        assertThat(below.get(1).get("offered_per_s").asInt()).isEqualTo(500);
        assertThat(below.get(1).get("achieved_per_s").asDouble()).isEqualTo(499.0);
        assertThat(BenchReport.markdown(r))
                .contains("| p99 placed → terminal at 250 / 500 orders/s offered (below saturation) "
                        + "| 140 / 180 ms |");

        assertThat(r.get("scaling")).hasSize(3);
        assertThat(r.get("scaling").get(0).get("instances").asInt()).isEqualTo(1);
        assertThat(r.get("scaling").get(2).get("instances").asInt()).isEqualTo(3);
        assertThat(r.get("scaling").get(2).get("orders_per_s").asDouble()).isEqualTo(170);

        final JsonNode raw = r.get("raw_producer"); // the last summary line, not a progress line
        assertThat(raw.get("records_per_s").asDouble()).isEqualTo(20512.3);
        assertThat(raw.get("mb_per_s").asDouble()).isEqualTo(7.82);
        assertThat(raw.get("p99_ms").asLong()).isEqualTo(305);
        assertThat(raw.get("records").asLong()).isEqualTo(100000);
    }

    @Test
    void saysHowTheMeasuredInstanceWasWarmedUp() throws Exception {
        final String warmUp = "25000 orders; the JIT compiled for 310 ms of the last round's 4100 ms";
        final ObjectNode machine = BenchReport.machine("1.5 1.2 0.9", warmUp);

        assertThat(machine.get("warm_up").asText()).isEqualTo(warmUp);
        assertThat(BenchReport.markdown(BenchReport.assemble(inputs(null, null), machine)))
                .contains("The instance was warmed up before it was measured: " + warmUp + ".");
        assertThat(BenchReport.machine("1.5 1.2 0.9").has("warm_up")).isFalse();
    }

    @Test
    void theRedesignFiguresComeFromTheCensusThePassThroughAndTheOrderFlowRuns() throws Exception {
        final JsonNode census = MAPPER.readTree("""
                {"records_written": 52000, "records_read": 28000,
                 "read_topics": ["orders", "reservation-commands"],
                 "written_topics": ["order-events", "reservation-commands", "quiet"],
                 "topics": {"orders": {"records": 2000}, "order-events": {"records": 8000},
                            "reservation-commands": {"records": 8000}, "quiet": {"records": 0}}}
                """);
        final JsonNode flow = MAPPER.readTree("""
                {"sql_orders_per_s_uniform": 3300, "sql_orders_per_s_hot": 2400, "sql_orders_per_s_flash": 1500,
                 "sql_orders_per_s_flash_64": 760}
                """);
        final BenchReport.Inputs base = inputs(null, null);
        final BenchReport.Inputs in = new BenchReport.Inputs(
                base.stamp(),
                true,
                480,
                null,
                400,
                RAW,
                base.loadMax(),
                base.load1000(),
                base.belowSaturation(),
                base.scaling(),
                null,
                null,
                new BenchReport.Extra(
                        census,
                        3,
                        100,
                        load("250", 250, 70, true),
                        Map.of(
                                "uniform",
                                load("max", 1650, 900, true),
                                "hot",
                                load("max", 2400, 900, true),
                                "flash",
                                load("max", 1000, 900, true),
                                "flash_64",
                                overHttp(load("max", 2280, 90, true), 3.5, 41.0),
                                "flash_64_wait_end",
                                load("max", 123, 610, true)),
                        flow,
                        Map.of(
                                "max-0",
                                load("max", 1000, 900, true),
                                "max-slow",
                                load("max", 950, 1000, true),
                                "250-0",
                                load("250", 250, 400, true),
                                "250-slow",
                                load("250", 250, 620, true)),
                        200));

        final ObjectNode r = assemble(in);

        // 2,000 orders ended in the maximum-rate run
        assertThat(r.get("records_written_per_order").asDouble()).isEqualTo(26.0);
        assertThat(r.get("records_read_per_order").asDouble()).isEqualTo(14.0);
        assertThat(MAPPER.convertValue(r.get("records_written_per_order_by_topic"), Map.class))
                .isEqualTo(Map.of("order-events", 4.0, "reservation-commands", 4.0));
        assertThat(MAPPER.convertValue(r.get("records_read_per_order_by_topic"), Map.class))
                .isEqualTo(Map.of("orders", 1.0, "reservation-commands", 4.0));
        assertThat(r.get("orders_per_raw_record").asDouble()).isEqualTo(0.0051); // 104.5 / 20,512.3
        assertThat(r.get("hops").asInt()).isEqualTo(3);
        assertThat(r.get("p99_over_floor_at_250").asDouble()).isEqualTo(0.47); // 140 / (3 x 100)
        assertThat(r.get("passthrough_p50_at_250").asDouble()).isEqualTo(10.0);
        assertThat(r.get("passthrough_p99_at_250").asDouble()).isEqualTo(70.0);
        assertThat(r.get("p99_ratio_vs_passthrough_at_250").asDouble()).isEqualTo(2.0);
        assertThat(r.get("sql_orders_per_s_flash_64").asDouble()).isEqualTo(760);
        assertThat(r.get("pipeline_orders_per_s_hot").asDouble()).isEqualTo(2400);
        assertThat(r.get("order_flow_ratio_vs_sql_uniform").asDouble()).isEqualTo(0.5);
        assertThat(r.get("order_flow_ratio_vs_sql_hot").asDouble()).isEqualTo(1.0);
        // the HTTP-fed figure is set against PostgreSQL's 64 connections, and so, apart, is the wait-for-end one
        assertThat(r.get("pipeline_orders_per_s_flash_64").asDouble()).isEqualTo(2280);
        assertThat(r.get("order_flow_ratio_vs_sql_flash_64").asDouble()).isEqualTo(3.0);
        assertThat(r.get("pipeline_orders_per_s_flash_64_wait_end").asDouble()).isEqualTo(123);
        assertThat(r.get("order_flow_ratio_vs_sql_flash_64_wait_end").asDouble())
                .isEqualTo(0.16); // 123 / 760
        assertThat(r.has("sql_orders_per_s_flash_64_wait_end")).isFalse();
        assertThat(r.get("pipeline_http_answer_p50_ms_flash_64").asDouble()).isEqualTo(3.5);
        assertThat(r.get("pipeline_http_answer_p99_ms_flash_64").asDouble()).isEqualTo(41.0);
        assertThat(r.get("pipeline_mixes")
                        .get("flash_64_wait_end")
                        .get("achievedPerSecond")
                        .asDouble())
                .isEqualTo(123);
        assertThat(BenchReport.markdown(r))
                .contains("| whole orders/s, uniform / hot / flash / flash with 64 buyers over HTTP: pipeline vs "
                        + "PostgreSQL (one transaction per order) | 1,650 / 2,400 / 1,000 / 2,280 vs "
                        + "3,300 / 2,400 / 1,500 / 760 (ratios uniform 0.50, hot 1.00, flash 64 3.00) |")
                .contains("| flash sale, 64 buyers over HTTP: answer p50 / p99 (the order accepted, in Kafka) "
                        + "| 3.5 / 41.0 ms |")
                .contains("| flash sale, 64 buyers each waiting for their order to end: pipeline vs PostgreSQL "
                        + "(latency-bound: 64 ÷ placed → terminal) | 123 vs 760 (ratio 0.16) "
                        + "(placed → terminal p50 10 ms, p99 610 ms) | `load --mix flash --max-in-flight 64` |");
        assertThat(r.get("payment_latency_ratio").asDouble()).isEqualTo(0.95); // 950 / 1,000
        assertThat(r.get("payment_p99_growth_at_250_ms").asLong()).isEqualTo(220);
        assertThat(r.get("payment_slow_gateway_p99_ms").asLong()).isEqualTo(200);
        assertThat(r.get("orders_per_s").asDouble()).isEqualTo(104.5); // the keys it had stay
        assertThat(r.get("census").get("records_written").asLong()).isEqualTo(52000);
    }

    @Test
    void withoutTheNewRunsTheirKeysAreThereAndNull() throws Exception {
        final ObjectNode r = assemble(inputs(null, null));
        for (final String key : java.util.List.of(
                "records_written_per_order",
                "records_read_per_order",
                "passthrough_p99_at_250",
                "p99_ratio_vs_passthrough_at_250",
                "sql_orders_per_s_uniform",
                "pipeline_orders_per_s_flash_64",
                "order_flow_ratio_vs_sql_flash_64",
                "pipeline_orders_per_s_flash_64_wait_end",
                "order_flow_ratio_vs_sql_flash_64_wait_end",
                "pipeline_http_answer_p99_ms_flash_64",
                "p99_over_floor_at_250",
                "hops",
                "payment_latency_ratio",
                "payment_p99_growth_at_250_ms",
                "payment_slow_gateway_p99_ms")) {
            assertThat(r.has(key)).as(key).isTrue();
            assertThat(r.get(key).isNull()).as(key).isTrue();
        }
        assertThat(r.get("orders_per_raw_record").asDouble()).isEqualTo(0.0051);
    }

    @Test
    void theShippedCommitIntervalAndTheHopsAreRead() {
        final java.util.Properties shipped =
                io.purchasepipeline.runtime.StreamsSettings.of("127.0.0.1:9", Path.of("state"), Map.of());
        // exactly-once's own default (100 ms, not the 30 s of at-least-once) unless the settings set one
        assertThat(OrderPath.commitIntervalMs())
                .isEqualTo(Long.parseLong(
                        shipped.getProperty(org.apache.kafka.streams.StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")));
        assertThat(OrderPath.hops()).isBetween(3, OrderPath.HOPS_BEFORE_REDESIGN);
    }

    @Test
    void oversoldIsSummedOverEveryStrategyButTheNaiveOneWhenTheBenchGivesNoTotal() throws Exception {
        final JsonNode contention = MAPPER.readTree("""
                {"hot_seat_ratio_vs_pessimistic": 3.0, "hot_seat_ratio_vs_best_sql": 1.2,
                 "rows": [{"workload":"hot-seat","strategy":"naive","oversold":40,"lost_updates":3},
                          {"workload":"hot-seat","strategy":"pessimistic","oversold":0},
                          {"workload":"uniform","strategy":"optimistic","oversold":2,"lost_updates":1},
                          {"workload":"hot-keys","strategy":"streams","oversold":1}]}
                """);
        final ObjectNode r = assemble(inputs(contention, null));
        assertThat(r.get("oversold").asLong()).isEqualTo(4);
    }

    @Test
    void withoutTheContentionBenchItsKeysAreNullWithANote() throws Exception {
        final ObjectNode r = assemble(inputs(null, "contention bench not present"));
        for (final String key : BenchReport.CONTENTION_KEYS) {
            assertThat(r.has(key)).as(key).isTrue();
            assertThat(r.get(key).isNull()).as(key).isTrue();
        }
        assertThat(r.get("contention").get("note").asText()).isEqualTo("contention bench not present");
        assertThat(BenchReport.markdown(r))
                .contains("not measured: contention bench not present")
                .contains("n/a");
    }

    @Test
    void aFailedLoadRunIsFlagged() throws Exception {
        final BenchReport.Inputs ok = inputs(null, null);
        final BenchReport.Inputs broken = new BenchReport.Inputs(
                ok.stamp(),
                false,
                ok.wallSeconds(),
                null,
                400,
                "",
                ok.loadMax(),
                load("1000", 50, 9000, false),
                ok.belowSaturation(),
                ok.scaling(),
                null,
                null);
        final ObjectNode r = assemble(broken);
        assertThat(r.get("loads_ok").asBoolean()).isFalse();
        assertThat(r.get("raw_producer").get("records_per_s").isNull()).isTrue();
        assertThat(BenchReport.markdown(r)).contains("**not ok**");
    }

    @Test
    void aFailedRunBelowSaturationIsFlagged() throws Exception {
        final BenchReport.Inputs ok = inputs(null, null);
        final BenchReport.Inputs broken = new BenchReport.Inputs(
                ok.stamp(),
                false,
                ok.wallSeconds(),
                null,
                400,
                RAW,
                ok.loadMax(),
                ok.load1000(),
                Map.of(250, load("250", 240, 300, false)),
                ok.scaling(),
                null,
                null);
        final ObjectNode r = assemble(broken);
        assertThat(r.get("loads_ok").asBoolean()).isFalse();
        assertThat(BenchReport.markdown(r))
                .contains("below saturation) | 300 ms | ")
                .contains("**not ok**");
    }

    @Test
    void writesTheTimestampedFileLatestJsonAndTheTable(@TempDir final Path dir) throws Exception {
        final Path max = dir.resolve("max.json");
        final Path fixed = dir.resolve("fixed.json");
        final Path raw = dir.resolve("raw.txt");
        Files.writeString(max, load("max", 104.5, 1500, true).toString());
        Files.writeString(fixed, load("1000", 98.2, 4321.5, true).toString());
        Files.writeString(raw, RAW);
        final Path out = dir.resolve("results");
        BenchReport.main(new String[] {
            "--out-dir",
            out.toString(),
            "--stamp",
            "2026-11-23T20-00-00Z",
            "--quick",
            "true",
            "--wall-seconds",
            "300",
            "--record-size",
            "400",
            "--raw-producer",
            raw.toString(),
            "--load-max",
            max.toString(),
            "--load-1000",
            fixed.toString(),
            "--load-at",
            "250=" + fixed,
            "--scaling",
            "1=" + max,
            "--scaling",
            "2=" + max,
            "--contention-missing",
            "contention bench not present"
        });

        final JsonNode latest = MAPPER.readTree(out.resolve("latest.json").toFile());
        assertThat(MAPPER.readTree(out.resolve("2026-11-23T20-00-00Z.json").toFile()))
                .isEqualTo(latest);
        assertThat(latest.get("p99_ms_at_1000").asDouble()).isEqualTo(4321.5);
        assertThat(latest.get("scaling")).hasSize(2);
        assertThat(latest.get("latency_below_saturation")
                        .get(0)
                        .get("offered_per_s")
                        .asInt())
                .isEqualTo(250);
        final String md = Files.readString(out.resolve("latest.md"));
        assertThat(md)
                .contains("| what | figure | how |")
                .contains("105 orders/s")
                .contains("4,322 ms")
                .contains("20,512 records/s")
                .contains("bench/run --quick")
                .contains("5 min 00 s");
    }
}
