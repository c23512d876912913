package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.purchasepipeline.serdes.JsonSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reservations under contention: the pipeline's per-SKU store against PostgreSQL's four strategies
 * (naive read-then-write, {@code FOR UPDATE}, version column with retry, one conditional
 * {@code UPDATE}), on the same workloads: uniform keys, hot keys, one hot SKU, a rush on seats.
 * Durability alike on both sides: {@code acks=all} and exactly-once against
 * {@code synchronous_commit=on} with {@code fsync=on}. Run with {@code bench/contention}, which
 * starts the database ({@code bench/postgres}) and passes its URL as {@code bench.jdbc-url};
 * {@code bench.quick=true} is the two-minute version.
 */
@Tag("bench")
class ContentionBench {

    private static final boolean QUICK = Boolean.getBoolean("bench.quick");
    private static final int SQL_ATTEMPTS = Integer.getInteger("bench.sql-attempts", QUICK ? 2_000 : 10_000);
    private static final int STREAMS_ATTEMPTS = Integer.getInteger("bench.streams-attempts", QUICK ? 20_000 : 200_000);
    /**
     * The store's side at its best of these windows of attempts sent and not yet answered, as each
     * SQL strategy is shown at its best of 1, 4 and 8 connections: the store answers a commit's worth
     * of attempts at once, so up to a full CPU its rate is the window over the latency (one hot SKU,
     * 2026-12-07: 25,478/s at 5,000, 42,395/s at 10,000, 33,139/s at 20,000 in flight, one run each).
     */
    private static final List<Integer> IN_FLIGHT = names(System.getProperty("bench.in-flight", "5000,10000")).stream()
            .map(Integer::valueOf)
            .toList();

    private static final List<Integer> CLIENTS = List.of(1, 4, 8);
    private static final long SEED = 20_261_123L;
    /** For profiling one side or one workload: comma-separated names, empty for all. */
    private static final List<String> SIDES = names(System.getProperty("bench.sides", ""));

    private static final List<String> WORKLOADS = names(System.getProperty("bench.workloads", ""));

    @Test
    void measure() throws Exception {
        final Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", Instant.now().toString());
        results.put("mode", QUICK ? "quick" : "full");
        results.put("machine", machine());
        final List<ContentionRun> runs = new ArrayList<>();

        final Map<String, String> durability = new LinkedHashMap<>();
        if (selected(SIDES, ContentionRun.SQL)) {
            final String jdbcUrl = System.getProperty("bench.jdbc-url");
            assertThat(jdbcUrl)
                    .as("bench.jdbc-url (bench/contention starts PostgreSQL and passes it)")
                    .isNotBlank();
            final SqlContention sql = new SqlContention(jdbcUrl);
            durability.put(
                    "sql",
                    sql.durability() + "; each attempt that writes commits (WAL flushed) before it" + " is answered");
            sql.run(ContentionWorkload.uniform(SQL_ATTEMPTS / 4, SEED + 1), SqlStrategy.ATOMIC, 4, "warmup");
            for (final ContentionWorkload workload : workloads(SQL_ATTEMPTS)) {
                for (final SqlStrategy strategy : SqlStrategy.values()) {
                    for (final int clients : CLIENTS) {
                        runs.add(print(sql.run(workload, strategy, clients, "s" + runs.size())));
                    }
                }
            }
        }

        final List<ContentionWorkload> streamsWorkloads = workloads(STREAMS_ATTEMPTS);
        if (selected(SIDES, ContentionRun.STREAMS)) {
            try (StreamsContention streams = StreamsContention.start(streamsOverrides(), producerSettings())) {
                durability.put(
                        "streams", streams.durability() + "; an attempt is answered once its transaction committed");
                final ContentionWorkload warmup = ContentionWorkload.oneHotSku(Math.min(STREAMS_ATTEMPTS, 20_000))
                        .named("warmup");
                // each window's run on keys of its own: the one before it sold its keys out
                final List<Map.Entry<ContentionWorkload, Integer>> planned = new ArrayList<>();
                for (final ContentionWorkload workload : streamsWorkloads) {
                    for (final int window : IN_FLIGHT) {
                        planned.add(Map.entry(workload.keyedAs(workload.name() + "-w" + window), window));
                    }
                }
                final List<ContentionWorkload> all =
                        new ArrayList<>(planned.stream().map(Map.Entry::getKey).toList());
                all.add(warmup);
                streams.define(all);
                streams.run(warmup, "warmup", IN_FLIGHT.get(0));
                for (final Map.Entry<ContentionWorkload, Integer> run : planned) {
                    runs.add(print(streams.run(run.getKey(), "k" + runs.size(), run.getValue())));
                }
            }
        }

        final ContentionReport report = new ContentionReport(runs);
        results.put("durability", durability);
        results.put("streams_overrides", streamsOverrides());
        results.put("streams_producer", producerSettings());
        results.put("workloads", describe(streamsWorkloads));
        results.putAll(report.summary());
        results.put("runs", runs);
        final Path out = Path.of(
                System.getProperty("bench.out", "bench/results/contention-" + (QUICK ? "quick" : "latest") + ".json"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        results.put("load_average_at_end", loadAverage());
        // the results file names its figures like the other benchmarks' files: attempts_per_s, p99_ms
        JsonSerde.MAPPER
                .copy()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .writerWithDefaultPrettyPrinter()
                .writeValue(out.toFile(), results);
        System.out.println(report.table());
        System.out.println("Contention: " + JsonSerde.MAPPER.writeValueAsString(report.summary()));

        assertThat(report.oversold())
                .as("units oversold by a strategy that must not oversell")
                .isZero();
        assertThat(report.correct())
                .as("no lost update, double booking or broken key outside naive")
                .isTrue();
    }

    private static List<ContentionWorkload> workloads(final int attempts) {
        return ContentionWorkload.all(attempts, SEED).stream()
                .filter(workload -> selected(WORKLOADS, workload.name()))
                .toList();
    }

    private static boolean selected(final List<String> names, final String name) {
        return names.isEmpty() || names.contains(name);
    }

    private static List<String> names(final String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /**
     * The production settings, unless {@code bench.streams} names others ({@code key=value,...}) to
     * try what a setting changes; the results then say so.
     */
    private static Map<String, String> streamsOverrides() {
        final Map<String, String> overrides = new LinkedHashMap<>();
        for (final String setting : names(System.getProperty("bench.streams", ""))) {
            final int equals = setting.indexOf('=');
            overrides.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        return overrides;
    }

    /** Batches of the bench's own producer: many attempts in one request, as a busy storefront sends them. */
    private static Map<String, String> producerSettings() {
        return Map.of(
                "linger.ms",
                System.getProperty("bench.linger-ms", "5"),
                "batch.size",
                System.getProperty("bench.batch-size", "65536"));
    }

    private static ContentionRun print(final ContentionRun run) {
        System.out.printf(
                "%-12s %-7s %-23s clients %d: %8.0f attempts/s, p50 %7.2f ms, p99 %7.2f ms, oversold %d, "
                        + "lost %d, doubles %d, retries %d%s%n",
                run.workload(),
                run.side(),
                run.strategy(),
                run.side().equals(ContentionRun.STREAMS) ? run.inFlight() : run.clients(),
                run.attemptsPerS(),
                run.p50Ms(),
                run.p99Ms(),
                run.oversold(),
                run.lostUpdates(),
                run.doubleBookings(),
                run.retries(),
                run.cpu() == null
                        ? ""
                        : String.format(
                                ", CPU ms per 1000: JVM %.0f, stream threads %.0f",
                                run.cpu().jvmMsPerThousand(), run.cpu().streamThreadsMsPerThousand()));
        return run;
    }

    private static Map<String, Object> describe(final List<ContentionWorkload> workloads) {
        final Map<String, Object> described = new LinkedHashMap<>();
        for (final ContentionWorkload workload : workloads) {
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("description", workload.description());
            one.put("keys", workload.keys().size());
            one.put("sql_attempts", SQL_ATTEMPTS);
            one.put("streams_attempts", STREAMS_ATTEMPTS);
            described.put(workload.name(), one);
        }
        return described;
    }

    private static Map<String, Object> machine() throws Exception {
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("load_average_at_start", loadAverage());
        return machine;
    }

    /** The 1, 5 and 15 minute load averages: the machine is shared, so other work shows here. */
    private static String loadAverage() throws Exception {
        final Path loadavg = Path.of("/proc/loadavg");
        return Files.isReadable(loadavg)
                ? String.join(
                        " ",
                        Arrays.asList(Files.readString(loadavg).trim().split(" "))
                                .subList(0, 3))
                : "unknown";
    }
}
