package io.purchasepipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembles what {@code bench/run} measured into {@code bench/results/<stamp>.json},
 * {@code bench/results/latest.json} and the table of docs/performance.md, {@code bench/results/latest.md}.
 * Inputs: the output of Kafka's {@code ProducerPerformance}, the JSON summaries of {@code load}
 * (at the maximum rate, at 1,000 orders/s, one per scaling step) and the JSON of
 * {@code bench/contention} when that bench ran.
 */
public final class BenchReport {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The summary line ProducerPerformance prints last. */
    private static final Pattern RAW_SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, "
                    + "([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th");
    /** The contention keys copied to the top level. */
    static final List<String> CONTENTION_KEYS =
            List.of("hot_seat_ratio_vs_pessimistic", "hot_seat_ratio_vs_best_sql", "oversold");

    /** What one run measured; null members were not measured. */
    record Inputs(
            String stamp,
            boolean quick,
            long wallSeconds,
            String loadAverage,
            int recordSize,
            String rawProducerOutput,
            JsonNode loadMax,
            JsonNode load1000,
            Map<Integer, JsonNode> belowSaturation,
            Map<Integer, JsonNode> scaling,
            JsonNode contention,
            String contentionNote,
            Extra extra) {

        Inputs(
                final String stamp,
                final boolean quick,
                final long wallSeconds,
                final String loadAverage,
                final int recordSize,
                final String rawProducerOutput,
                final JsonNode loadMax,
                final JsonNode load1000,
                final Map<Integer, JsonNode> belowSaturation,
                final Map<Integer, JsonNode> scaling,
                final JsonNode contention,
                final String contentionNote) {
            this(
                    stamp,
                    quick,
                    wallSeconds,
                    loadAverage,
                    recordSize,
                    rawProducerOutput,
                    loadMax,
                    load1000,
                    belowSaturation,
                    scaling,
                    contention,
                    contentionNote,
                    Extra.NONE);
        }
    }

    /**
     * What the run measured around the pipeline's own runs; null members were not measured.
     *
     * @param census {@link CensusCommand}'s count over the maximum-rate run
     * @param hops the exactly-once commit boundaries of an order's path
     * @param commitIntervalMs the shipped commit interval
     * @param passthrough250 {@code load}'s summary of the pass-through app at 250 orders/s
     * @param pipelineMixes {@code load}'s summaries by mix: uniform, hot, flash, flash_64 (64 clients over
     *     HTTP, each waiting for its order to be accepted) and flash_64_wait_end (64 orders in flight:
     *     64 buyers each waiting for their order to end)
     * @param orderFlow {@code bench/order-flow}'s results (the order flow in PostgreSQL)
     * @param payments {@code load}'s summaries with the payment worker's gateway answering at once and
     *                 slowly, side by side: {@code max-0}, {@code max-slow} (maximum rate),
     *                 {@code 250-0}, {@code 250-slow} (250 orders/s)
     * @param slowGatewayP99Ms the slow gateway's p99 answer time
     */
    record Extra(
            JsonNode census,
            int hops,
            long commitIntervalMs,
            JsonNode passthrough250,
            Map<String, JsonNode> pipelineMixes,
            JsonNode orderFlow,
            Map<String, JsonNode> payments,
            long slowGatewayP99Ms) {
        static final Extra NONE = new Extra(null, 0, 0, null, Map.of(), null, Map.of(), 0);
    }

    /** The mixes of the order-flow comparison, as keys of {@code latest.json} end. */
    static final List<String> MIXES = List.of("uniform", "hot", "flash", "flash_64");
    /**
     * The flash sale with 64 buyers each waiting for their order to end, not only to be accepted: set
     * against the same PostgreSQL figure as {@code flash_64}, whose buyers wait for their one
     * transaction, which is both.
     */
    static final String FLASH_64_WAIT_END = "flash_64_wait_end";

    private BenchReport() {}

    public static void main(final String[] args) throws IOException {
        Path outDir = Path.of("bench/results");
        String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        boolean quick = false;
        long wall = 0;
        String loadAverage = null;
        String warmUp = null;
        int recordSize = 0;
        String raw = null;
        JsonNode loadMax = null;
        JsonNode load1000 = null;
        final Map<Integer, JsonNode> belowSaturation = new TreeMap<>();
        final Map<Integer, JsonNode> scaling = new TreeMap<>();
        JsonNode contention = null;
        String note = null;
        JsonNode census = null;
        JsonNode passthrough = null;
        JsonNode orderFlow = null;
        final Map<String, JsonNode> mixes = new TreeMap<>();
        final Map<String, JsonNode> payments = new TreeMap<>();
        long slowGatewayP99Ms = 0;
        for (int i = 0; i < args.length; i += 2) {
            final String value = args[i + 1];
            switch (args[i]) {
                case "--out-dir" -> outDir = Path.of(value);
                case "--stamp" -> stamp = value;
                case "--quick" -> quick = Boolean.parseBoolean(value);
                case "--wall-seconds" -> wall = Long.parseLong(value);
                case "--load-average" -> loadAverage = value;
                case "--warm-up" -> warmUp = value;
                case "--record-size" -> recordSize = Integer.parseInt(value);
                case "--raw-producer" -> raw = Files.readString(Path.of(value));
                case "--load-max" -> loadMax = readOrNull(Path.of(value));
                case "--load-1000" -> load1000 = readOrNull(Path.of(value));
                case "--load-at" -> putNumbered(belowSaturation, value);
                case "--scaling" -> putNumbered(scaling, value);
                case "--contention" -> contention = readOrNull(Path.of(value));
                case "--contention-missing" -> note = value;
                case "--census" -> census = readOrNull(Path.of(value));
                case "--passthrough-250" -> passthrough = readOrNull(Path.of(value));
                case "--order-flow" -> orderFlow = readOrNull(Path.of(value));
                case "--mix" ->
                    mixes.put(
                            value.substring(0, value.indexOf('=')),
                            readOrNull(Path.of(value.substring(value.indexOf('=') + 1))));
                case "--payment" ->
                    payments.put(
                            value.substring(0, value.indexOf('=')),
                            readOrNull(Path.of(value.substring(value.indexOf('=') + 1))));
                case "--slow-gateway-p99-ms" -> slowGatewayP99Ms = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final Inputs inputs = new Inputs(
                stamp,
                quick,
                wall,
                loadAverage,
                recordSize,
                raw,
                loadMax,
                load1000,
                belowSaturation,
                scaling,
                contention,
                note,
                new Extra(
                        census,
                        OrderPath.hops(),
                        OrderPath.commitIntervalMs(),
                        passthrough,
                        mixes,
                        orderFlow,
                        payments,
                        slowGatewayP99Ms));
        final ObjectNode report = assemble(inputs, machine(loadAverage, warmUp));
        Files.createDirectories(outDir);
        final String json = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n";
        Files.writeString(outDir.resolve(stamp + ".json"), json);
        Files.writeString(outDir.resolve("latest.json"), json);
        Files.writeString(outDir.resolve("latest.md"), markdown(report));
    }

    /** {@code N=file}: the load summary in file, under N (orders/s offered, or instances). */
    private static void putNumbered(final Map<Integer, JsonNode> into, final String value) throws IOException {
        final int eq = value.indexOf('=');
        into.put(Integer.parseInt(value.substring(0, eq)), readOrNull(Path.of(value.substring(eq + 1))));
    }

    private static JsonNode readOrNull(final Path file) throws IOException {
        return Files.isRegularFile(file) && Files.size(file) > 0 ? MAPPER.readTree(file.toFile()) : null;
    }

    static ObjectNode machine(final String loadAverage) {
        return machine(loadAverage, null);
    }

    /**
     * @param warmUp how the measured instance was warmed up before the figures (orders, and the JIT
     *     compiler's share of the last warm-up round), or null
     */
    static ObjectNode machine(final String loadAverage, final String warmUp) {
        final ObjectNode machine = NODES.objectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        machine.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        if (loadAverage != null && !loadAverage.isBlank()) {
            machine.put("load_average_at_start", loadAverage);
        }
        if (warmUp != null && !warmUp.isBlank()) {
            machine.put("warm_up", warmUp);
        }
        return machine;
    }

    /** The report: the required keys first, then the details they come from. */
    static ObjectNode assemble(final Inputs in, final ObjectNode machine) {
        final ObjectNode out = NODES.objectNode();
        out.set("orders_per_s", number(in.loadMax(), "achievedPerSecond"));
        out.set(
                "p99_ms_at_1000",
                in.load1000() == null ? NullNode.instance : number(in.load1000().get("latencyMs"), "p99"));
        final ObjectNode contention = contention(in.contention(), in.contentionNote());
        for (final String key : CONTENTION_KEYS) {
            out.set(key, contention.get(key));
        }
        derived(in, out);
        out.put("date", in.stamp());
        out.put("quick", in.quick());
        out.put("wall_seconds", in.wallSeconds());
        out.set("machine", machine);
        out.set("raw_producer", rawProducer(in.rawProducerOutput(), in.recordSize()));
        out.set("load_max", nullable(in.loadMax()));
        out.set("load_1000", nullable(in.load1000()));
        final ArrayNode below = out.putArray("latency_below_saturation");
        in.belowSaturation().forEach((offered, summary) -> {
            final ObjectNode step = below.addObject();
            step.put("offered_per_s", offered);
            step.set("achieved_per_s", number(summary, "achievedPerSecond"));
            step.set("p50_ms", summary == null ? NullNode.instance : number(summary.get("latencyMs"), "p50"));
            step.set("p99_ms", summary == null ? NullNode.instance : number(summary.get("latencyMs"), "p99"));
            step.set("ok", summary == null ? NullNode.instance : summary.path("ok"));
        });
        final ArrayNode scaling = out.putArray("scaling");
        in.scaling().forEach((instances, summary) -> {
            final ObjectNode step = scaling.addObject();
            step.put("instances", instances);
            step.set("orders_per_s", number(summary, "achievedPerSecond"));
            step.set("orders", summary == null ? NullNode.instance : number(summary.get("settings"), "orders"));
            step.set("p99_ms", summary == null ? NullNode.instance : number(summary.get("latencyMs"), "p99"));
            step.set("ok", summary == null ? NullNode.instance : summary.path("ok"));
        });
        out.put("loads_ok", loadsOk(in));
        out.set("contention", contention);
        out.set("census", nullable(in.extra().census()));
        out.set("passthrough_250", nullable(in.extra().passthrough250()));
        final ObjectNode mixes = out.putObject("pipeline_mixes");
        in.extra().pipelineMixes().forEach((mix, summary) -> mixes.set(mix, nullable(summary)));
        out.set("order_flow_sql", nullable(in.extra().orderFlow()));
        return out;
    }

    /**
     * The figures of issue 17 computed from the runs: records per order from the census over the
     * maximum-rate run, orders per raw producer record, the p99 at 250 orders/s against its floor
     * (one commit interval per hop) and against the pass-through app, and the order flow against
     * PostgreSQL's.
     */
    private static void derived(final Inputs in, final ObjectNode out) {
        final Extra x = in.extra();
        final JsonNode ended = in.loadMax() == null ? null : in.loadMax().get("ended");
        final JsonNode census = x.census();
        if (census != null && ended != null && ended.asLong() > 0) {
            final double orders = ended.asDouble();
            out.put(
                    "records_written_per_order",
                    round2(census.path("records_written").asDouble() / orders));
            out.put("records_read_per_order", round2(census.path("records_read").asDouble() / orders));
            out.set("records_written_per_order_by_topic", perOrder(census, "written_topics", orders));
            out.set("records_read_per_order_by_topic", perOrder(census, "read_topics", orders));
        } else {
            out.putNull("records_written_per_order");
            out.putNull("records_read_per_order");
        }
        final JsonNode rate = number(in.loadMax(), "achievedPerSecond");
        final JsonNode raw =
                rawProducer(in.rawProducerOutput(), in.recordSize()).get("records_per_s");
        out.set("orders_per_raw_record", ratio(rate, raw, 4));
        if (x.hops() > 0) {
            out.put("hops", x.hops());
        } else {
            out.putNull("hops");
        }
        final JsonNode at250 = in.belowSaturation().get(250);
        final JsonNode p99At250 = at250 == null ? NullNode.instance : number(at250.get("latencyMs"), "p99");
        out.set(
                "p99_over_floor_at_250",
                x.hops() > 0 && x.commitIntervalMs() > 0
                        ? ratio(p99At250, NODES.numberNode((double) x.hops() * x.commitIntervalMs()), 2)
                        : NullNode.instance);
        final JsonNode pass =
                x.passthrough250() == null ? null : x.passthrough250().get("latencyMs");
        out.set("passthrough_p50_at_250", number(pass, "p50"));
        out.set("passthrough_p99_at_250", number(pass, "p99"));
        out.set("p99_ratio_vs_passthrough_at_250", ratio(p99At250, number(pass, "p99"), 2));
        final JsonNode sql = x.orderFlow();
        for (final String mix : MIXES) {
            out.set(
                    "sql_orders_per_s_" + mix,
                    sql == null ? NullNode.instance : number(sql, "sql_orders_per_s_" + mix));
            out.set("pipeline_orders_per_s_" + mix, number(x.pipelineMixes().get(mix), "achievedPerSecond"));
        }
        for (final String mix : List.of("uniform", "hot", "flash_64")) {
            out.set(
                    "order_flow_ratio_vs_sql_" + mix,
                    ratio(out.get("pipeline_orders_per_s_" + mix), out.get("sql_orders_per_s_" + mix), 2));
        }
        out.set(
                "pipeline_orders_per_s_" + FLASH_64_WAIT_END,
                number(x.pipelineMixes().get(FLASH_64_WAIT_END), "achievedPerSecond"));
        out.set(
                "order_flow_ratio_vs_sql_" + FLASH_64_WAIT_END,
                ratio(out.get("pipeline_orders_per_s_" + FLASH_64_WAIT_END), out.get("sql_orders_per_s_flash_64"), 2));
        // what a buyer over HTTP waits for: the order accepted (in Kafka), not ended
        final JsonNode http64 = x.pipelineMixes().get("flash_64") == null
                ? null
                : x.pipelineMixes().get("flash_64").path("http").get("answerMs");
        out.set("pipeline_http_answer_p50_ms_flash_64", number(http64, "p50"));
        out.set("pipeline_http_answer_p99_ms_flash_64", number(http64, "p99"));
        // a slow gateway must cost throughput nothing (the calls are in flight off the stream thread)
        // and latency no more than its own answer time
        final Map<String, JsonNode> pay = x.payments();
        out.set("payment_orders_per_s_0", number(pay.get("max-0"), "achievedPerSecond"));
        out.set("payment_orders_per_s_slow", number(pay.get("max-slow"), "achievedPerSecond"));
        out.set(
                "payment_latency_ratio",
                ratio(out.get("payment_orders_per_s_slow"), out.get("payment_orders_per_s_0"), 2));
        final JsonNode p99Fast =
                number(pay.containsKey("250-0") ? pay.get("250-0").get("latencyMs") : null, "p99");
        final JsonNode p99Slow =
                number(pay.containsKey("250-slow") ? pay.get("250-slow").get("latencyMs") : null, "p99");
        out.set("payment_p99_at_250_0", p99Fast);
        out.set("payment_p99_at_250_slow", p99Slow);
        out.set(
                "payment_p99_growth_at_250_ms",
                p99Fast.isNumber() && p99Slow.isNumber()
                        ? NODES.numberNode(Math.round(p99Slow.asDouble() - p99Fast.asDouble()))
                        : NullNode.instance);
        if (x.slowGatewayP99Ms() > 0) {
            out.put("payment_slow_gateway_p99_ms", x.slowGatewayP99Ms());
        } else {
            out.putNull("payment_slow_gateway_p99_ms");
        }
    }

    private static ObjectNode perOrder(final JsonNode census, final String topicsField, final double orders) {
        final ObjectNode byTopic = NODES.objectNode();
        for (final JsonNode topic : census.path(topicsField)) {
            final double records =
                    census.path("topics").path(topic.asText()).path("records").asDouble(0);
            if (records > 0) {
                byTopic.put(topic.asText(), round2(records / orders));
            }
        }
        return byTopic;
    }

    private static JsonNode ratio(final JsonNode numerator, final JsonNode denominator, final int decimals) {
        if (numerator == null
                || denominator == null
                || !numerator.isNumber()
                || !denominator.isNumber()
                || denominator.asDouble() == 0) {
            return NullNode.instance;
        }
        final double scale = Math.pow(10, decimals);
        return NODES.numberNode(Math.round(numerator.asDouble() / denominator.asDouble() * scale) / scale);
    }

    private static double round2(final double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Every load run present ended every order exactly once with the invariants holding. */
    private static boolean loadsOk(final Inputs in) {
        final List<JsonNode> loads = new ArrayList<>();
        loads.add(in.loadMax());
        loads.add(in.load1000());
        loads.addAll(in.belowSaturation().values());
        loads.addAll(in.scaling().values());
        if (in.extra().passthrough250() != null) {
            loads.add(in.extra().passthrough250());
        }
        loads.addAll(in.extra().pipelineMixes().values());
        return loads.stream().allMatch(l -> l != null && l.path("ok").asBoolean(false));
    }

    /**
     * The contention bench's JSON, with the three top-level keys guaranteed: taken from it, or
     * (for {@code oversold}) summed over its rows of every strategy but the naive one; all null
     * with a note when the bench did not run.
     */
    static ObjectNode contention(final JsonNode source, final String note) {
        final ObjectNode out = NODES.objectNode();
        if (source == null || !source.isObject()) {
            for (final String key : CONTENTION_KEYS) {
                out.putNull(key);
            }
            out.put("note", note == null ? "contention bench not present" : note);
            return out;
        }
        out.setAll((ObjectNode) source.deepCopy());
        for (final String key : CONTENTION_KEYS) {
            if (!out.has(key)) {
                out.putNull(key);
            }
        }
        if (out.get("oversold").isNull()) {
            final Long summed = oversoldFromRows(source);
            if (summed != null) {
                out.put("oversold", summed);
            }
        }
        return out;
    }

    /** Oversold plus lost updates over every row whose strategy must not oversell (all but naive). */
    static Long oversoldFromRows(final JsonNode source) {
        JsonNode rows = null;
        for (final String name : List.of("rows", "results", "runs")) {
            if (source.path(name).isArray()) {
                rows = source.get(name);
                break;
            }
        }
        if (rows == null) {
            return null;
        }
        long sum = 0;
        for (final JsonNode row : rows) {
            if (row.path("strategy").asText("").toLowerCase(Locale.ROOT).contains("naive")) {
                continue;
            }
            sum += row.path("oversold").asLong(0) + row.path("lost_updates").asLong(0);
        }
        return sum;
    }

    /** records/s, MB/s and latencies from ProducerPerformance's last summary line; nulls if absent. */
    static ObjectNode rawProducer(final String output, final int recordSize) {
        final ObjectNode out = NODES.objectNode();
        MatchResult last = null;
        if (output != null) {
            final Matcher m = RAW_SUMMARY.matcher(output);
            while (m.find()) {
                last = m.toMatchResult();
            }
        }
        if (last == null) {
            out.putNull("records_per_s");
            out.putNull("mb_per_s");
            out.putNull("p99_ms");
            out.put("note", "no ProducerPerformance summary");
            return out;
        }
        out.put("records", Long.parseLong(last.group(1)));
        out.put("record_size", recordSize);
        out.put("records_per_s", Double.parseDouble(last.group(2)));
        out.put("mb_per_s", Double.parseDouble(last.group(3)));
        out.put("avg_ms", Double.parseDouble(last.group(4)));
        out.put("max_ms", Double.parseDouble(last.group(5)));
        out.put("p50_ms", Long.parseLong(last.group(6)));
        out.put("p95_ms", Long.parseLong(last.group(7)));
        out.put("p99_ms", Long.parseLong(last.group(8)));
        out.put("p999_ms", Long.parseLong(last.group(9)));
        out.put("settings", "acks=all, enable.idempotence=true, linger.ms=5, 6 partitions, replication factor 1");
        return out;
    }

    private static JsonNode number(final JsonNode node, final String field) {
        return node == null || !node.path(field).isNumber() ? NullNode.instance : node.get(field);
    }

    private static JsonNode nullable(final JsonNode node) {
        return node == null ? NullNode.instance : node;
    }

    /** The table of docs/performance.md. */
    static String markdown(final JsonNode r) {
        final StringBuilder md = new StringBuilder();
        final JsonNode m = r.path("machine");
        md.append(String.format(
                Locale.ROOT,
                "`bench/run%s`, %s (UTC), %d cores (shared machine%s), %s, %s; wall time %s.%n%n",
                r.path("quick").asBoolean() ? " --quick" : "",
                r.path("date").asText(),
                m.path("cores").asInt(),
                m.has("load_average_at_start")
                        ? ", load average " + m.get("load_average_at_start").asText() + " at start"
                        : "",
                m.path("java").asText(),
                m.path("os").asText(),
                duration(r.path("wall_seconds").asLong())));
        if (m.has("warm_up")) {
            md.append("The instance was warmed up before it was measured: ")
                    .append(m.get("warm_up").asText())
                    .append(".\n\n");
        }
        md.append("| what | figure | how |\n|---|---|---|\n");
        final JsonNode max = r.path("load_max");
        row(
                md,
                "orders/s through the whole pipeline (exactly-once, embedded broker, 1 instance)",
                fmt(r.get("orders_per_s"), "%,.0f orders/s") + latency(max),
                "`load --rate max --orders " + settingLong(max, "orders") + "`" + okNote(max));
        final JsonNode fixed = r.path("load_1000");
        row(
                md,
                "p99 placed → terminal at 1,000 orders/s offered",
                fmt(r.get("p99_ms_at_1000"), "%,.0f ms")
                        + (fixed.isObject()
                                ? String.format(
                                        Locale.ROOT,
                                        " (achieved %,.0f orders/s)",
                                        fixed.path("achievedPerSecond").asDouble())
                                : ""),
                "`load --rate 1000 --duration "
                        + fmtSeconds(fixed.path("settings").path("durationSeconds")) + "`" + okNote(fixed));
        if (!r.path("latency_below_saturation").isEmpty()) {
            final List<String> rates = new ArrayList<>();
            final List<String> p99s = new ArrayList<>();
            boolean ok = true;
            for (final JsonNode step : r.path("latency_below_saturation")) {
                rates.add(String.format(
                        Locale.ROOT, "%,d", step.path("offered_per_s").asInt()));
                p99s.add(fmt(step.get("p99_ms"), "%,.0f"));
                ok &= step.path("ok").asBoolean(false);
            }
            row(
                    md,
                    "p99 placed → terminal at " + String.join(" / ", rates) + " orders/s offered (below saturation)",
                    String.join(" / ", p99s) + " ms",
                    "`load --rate N --duration "
                            + fmtSeconds(fixed.path("settings").path("durationSeconds")) + "` each"
                            + (ok ? "" : ", **not ok**: orders not ended, doubled or an invariant broken"));
        }
        final JsonNode raw = r.path("raw_producer");
        row(
                md,
                "raw Kafka producer, same machine and broker (the physical reference)",
                fmt(raw.get("records_per_s"), "%,.0f records/s") + ", " + fmt(raw.get("mb_per_s"), "%.1f MB/s")
                        + ", p99 " + fmt(raw.get("p99_ms"), "%,.0f ms"),
                "`ProducerPerformance`, " + raw.path("records").asLong() + " records of "
                        + raw.path("record_size").asInt() + " B, acks=all, idempotent");
        final List<String> steps = new ArrayList<>();
        final List<String> counts = new ArrayList<>();
        for (final JsonNode step : r.path("scaling")) {
            steps.add(step.path("instances").asText());
            counts.add(fmt(step.get("orders_per_s"), "%,.0f"));
        }
        row(
                md,
                "scaling " + String.join(" → ", steps) + " instances, 3-broker cluster (RF 3, min ISR 2)",
                String.join(" → ", counts) + " orders/s",
                "`load --rate max --orders "
                        + r.path("scaling").path(0).path("orders").asText("?") + "` per step");
        row(
                md,
                "records the stream threads write / read per order (census of the maximum-rate run, by reading the log)",
                fmt(r.get("records_written_per_order"), "%.1f") + " / " + fmt(r.get("records_read_per_order"), "%.1f"),
                "`CensusCommand`, per topic in `latest.json`");
        row(
                md,
                "orders per raw producer record; exactly-once hops; p99 at 250/s ÷ (hops × commit interval)",
                fmt(r.get("orders_per_raw_record"), "%.4f") + "; " + fmt(r.get("hops"), "%.0f") + "; "
                        + fmt(r.get("p99_over_floor_at_250"), "%.2f"),
                "the runs above");
        row(
                md,
                "pass-through app with the same hops at 250 orders/s: p50 / p99 (pipeline's p99 ÷ its p99)",
                fmt(r.get("passthrough_p50_at_250"), "%,.0f") + " / " + fmt(r.get("passthrough_p99_at_250"), "%,.0f")
                        + " ms (" + fmt(r.get("p99_ratio_vs_passthrough_at_250"), "%.2f×") + ")",
                "`PassThroughApp`, `load --rate 250 --orders-topic passthrough-orders --events-topic passthrough-events`");
        row(
                md,
                "payment gateway answering in " + fmt(r.get("payment_slow_gateway_p99_ms"), "%,.0f")
                        + " ms instead of at once: orders/s at max (ratio); p99 at 250/s",
                fmt(r.get("payment_orders_per_s_slow"), "%,.0f") + " vs "
                        + fmt(r.get("payment_orders_per_s_0"), "%,.0f")
                        + " (" + fmt(r.get("payment_latency_ratio"), "%.2f×") + "); "
                        + fmt(r.get("payment_p99_at_250_slow"), "%,.0f")
                        + " vs " + fmt(r.get("payment_p99_at_250_0"), "%,.0f") + " ms",
                "`worker payment --payment-latency 0ms` then `200ms`, each with `load --rate max` and `--rate 250`");
        final List<String> pipeline = new ArrayList<>();
        final List<String> sql = new ArrayList<>();
        for (final String mix : MIXES) {
            pipeline.add(fmt(r.get("pipeline_orders_per_s_" + mix), "%,.0f"));
            sql.add(fmt(r.get("sql_orders_per_s_" + mix), "%,.0f"));
        }
        row(
                md,
                "whole orders/s, uniform / hot / flash / flash with 64 buyers over HTTP: pipeline vs PostgreSQL "
                        + "(one transaction per order)",
                String.join(" / ", pipeline) + " vs " + String.join(" / ", sql) + " (ratios uniform "
                        + fmt(r.get("order_flow_ratio_vs_sql_uniform"), "%.2f") + ", hot "
                        + fmt(r.get("order_flow_ratio_vs_sql_hot"), "%.2f") + ", flash 64 "
                        + fmt(r.get("order_flow_ratio_vs_sql_flash_64"), "%.2f") + ")",
                "`load --mix M` (flash 64: `--http <the instance> --clients 64`, each buyer waits for the 202); "
                        + "`bench/order-flow`, best of 1/4/8 connections, 64 for flash 64");
        row(
                md,
                "flash sale, 64 buyers over HTTP: answer p50 / p99 (the order accepted, in Kafka)",
                fmt(r.get("pipeline_http_answer_p50_ms_flash_64"), "%,.1f") + " / "
                        + fmt(r.get("pipeline_http_answer_p99_ms_flash_64"), "%,.1f") + " ms",
                "the same run's HTTP answers");
        row(
                md,
                "flash sale, 64 buyers each waiting for their order to end: pipeline vs PostgreSQL "
                        + "(latency-bound: 64 ÷ placed → terminal)",
                fmt(r.get("pipeline_orders_per_s_" + FLASH_64_WAIT_END), "%,.0f") + " vs "
                        + fmt(r.get("sql_orders_per_s_flash_64"), "%,.0f") + " (ratio "
                        + fmt(r.get("order_flow_ratio_vs_sql_" + FLASH_64_WAIT_END), "%.2f") + ")"
                        + latency(r.path("pipeline_mixes").path(FLASH_64_WAIT_END)),
                "`load --mix flash --max-in-flight 64`"
                        + okNote(r.path("pipeline_mixes").path(FLASH_64_WAIT_END)));
        final JsonNode c = r.path("contention");
        final String how = c.has("note") ? "not measured: " + c.get("note").asText() : "`bench/contention`";
        row(
                md,
                "hot seat: streams store vs pessimistic SQL",
                fmt(r.get("hot_seat_ratio_vs_pessimistic"), "%.1f×"),
                how);
        row(md, "hot seat: streams store vs best SQL strategy", fmt(r.get("hot_seat_ratio_vs_best_sql"), "%.1f×"), how);
        row(md, "oversold / lost updates, every strategy but the naive one", fmt(r.get("oversold"), "%.0f"), how);
        return md.toString();
    }

    private static String latency(final JsonNode load) {
        final JsonNode l = load.path("latencyMs");
        return l.isObject()
                ? String.format(
                        Locale.ROOT,
                        " (placed → terminal p50 %,.0f ms, p99 %,.0f ms)",
                        l.path("p50").asDouble(),
                        l.path("p99").asDouble())
                : "";
    }

    private static String okNote(final JsonNode load) {
        if (!load.isObject()) {
            return ", not run";
        }
        return load.path("ok").asBoolean(false) ? "" : ", **not ok**: orders not ended, doubled or an invariant broken";
    }

    private static String settingLong(final JsonNode load, final String field) {
        return load != null && load.path("settings").path(field).isNumber()
                ? String.format(
                        Locale.ROOT, "%d", load.path("settings").path(field).asLong())
                : "?";
    }

    private static String fmtSeconds(final JsonNode seconds) {
        return seconds.isNumber() ? String.format(Locale.ROOT, "%.0fs", seconds.asDouble()) : "?";
    }

    private static String fmt(final JsonNode value, final String format) {
        return value == null || !value.isNumber() ? "n/a" : String.format(Locale.ROOT, format, value.asDouble());
    }

    private static String duration(final long seconds) {
        return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }

    private static void row(final StringBuilder md, final String what, final String figure, final String how) {
        md.append("| ")
                .append(what)
                .append(" | ")
                .append(figure)
                .append(" | ")
                .append(how)
                .append(" |\n");
    }
}
