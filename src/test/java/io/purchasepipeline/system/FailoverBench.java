package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.system.OrderEventLog.Seen;
import io.purchasepipeline.tools.kafka.BrokerSettings;
import io.purchasepipeline.tools.kafka.LocalCluster;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long orders stall when an instance dies, with Kafka Streams' classic rebalance protocol and
 * with the streams rebalance protocol (KIP-1071, {@code group.protocol=streams}), each at the
 * default failure detection and at a shorter one. Not part of the default build: run it with
 * {@code bench/failover}.
 *
 * <p>Per scenario: a fresh single-broker cluster (so that no broker failure and no earlier group
 * state mixes in), three instances as processes, a steady load of orders that all complete, then
 * {@value #DEFAULT_TRIALS} times: {@code kill -9} one instance, measure, restart it and let the
 * pipeline catch up. Two measures per kill:
 * <ul>
 *   <li><b>failover</b>: the longest placed-to-terminal latency of the orders placed after the kill
 *       (until the pipeline has caught up), i.e. how long the storefront's slowest order waited;</li>
 *   <li><b>stall</b>: the longest gap between terminal events on any {@code order-events}
 *       partition, from the last event before the kill: how long some partition produced nothing.</li>
 * </ul>
 * Both are measured where a reader sees them, from committed ({@code read_committed}) events: under
 * exactly-once a dead instance's open transaction holds back its output partitions, and the new
 * owner cannot read the committed offsets of its inputs, until the transaction coordinator aborts
 * it ({@code transaction.timeout.ms}: Kafka Streams' 10 s, the app's 5 s; checked every 10 s by a
 * stock broker, every second by the local brokers). So failover takes at least that long, whatever
 * the group protocol detects.
 * Every order must still end exactly once, or the benchmark fails.
 *
 * <p>System properties: {@code bench.scenarios} (names, comma-separated; default all),
 * {@code bench.trials}, {@code bench.rate} (orders per second), {@code bench.out} (the JSON file).
 */
@Tag("bench")
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class FailoverBench {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverBench.class);

    private static final int DEFAULT_TRIALS = 3;
    /**
     * Orders per second: a rate two cores hold with one broker and three exactly-once instances, a
     * steady p50 well under a second, so that what a kill costs is the failover and not a backlog
     * draining (at 100/s the same machine ran seconds behind before any kill).
     */
    private static final int DEFAULT_RATE = 20;

    private static final int INSTANCES = 3;
    private static final int PARTITIONS = 6;
    private static final Duration READY = Duration.ofSeconds(180);
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** After the pipeline caught up, watch this long more, so that a second rebalance is not missed. */
    private static final Duration AFTERMATH = Duration.ofSeconds(10);
    /** How long the orders are that measure the steady latency, once the pipeline keeps up. */
    private static final Duration STEADY = Duration.ofSeconds(15);
    /** How far behind the newest orders the pipeline may be and still count as caught up. */
    private static final Duration CAUGHT_UP_LAG = Duration.ofSeconds(3);

    private static final Duration POLL = Duration.ofMillis(250);

    /**
     * Enough SKUs that every reservation partition gets orders; PHYSICAL with stock that never runs
     * out, and no DIGITAL: an e-book is a PDF made per order, work that a failover benchmark does
     * not need to share two cores with.
     */
    private static final List<Product> CATALOG = IntStream.range(0, 12)
            .mapToObj(n -> new Product(
                    "bench-" + n, "Benchmark item " + n, ProductKind.PHYSICAL, new BigDecimal("20.00"), 1_000_000_000L))
            .toList();

    /** One way of running the group: the protocol and where its failure detection is set. */
    record Scenario(
            String name,
            String protocol,
            long sessionTimeoutMs,
            long heartbeatIntervalMs,
            Map<String, String> clientSettings,
            Map<String, String> brokerSettings) {}

    record Trial(String victim, long failoverMs, long stallMs, int ordersAfterKill) {}

    record Stat(long median, long max) {
        static Stat of(final List<Long> values) {
            final long[] sorted =
                    values.stream().mapToLong(Long::longValue).sorted().toArray();
            final int n = sorted.length;
            final long median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Stat(median, sorted[n - 1]);
        }
    }

    /**
     * {@code orders}: all placed, each of which ended exactly once (checked, or the benchmark fails).
     * {@code cleanRestarts}: only for the shipped settings, an instance stopped with SIGTERM and started
     * again at once (empty otherwise).
     */
    record Result(
            Scenario scenario,
            List<Trial> trials,
            Stat failoverMs,
            Stat stallMs,
            Stat steadyLatencyMs,
            int orders,
            List<Trial> cleanRestarts) {}

    /** The settings {@code run} ships: no client override at all. */
    static final String SHIPPED = "shipped";

    @TempDir
    Path tmp;

    @Test
    void failoverWithEachRebalanceProtocol() throws Exception {
        final int trials = Integer.getInteger("bench.trials", DEFAULT_TRIALS);
        final int rate = Integer.getInteger("bench.rate", DEFAULT_RATE);
        final List<String> wanted = Arrays.stream(
                        System.getProperty("bench.scenarios", "").split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty() && !"all".equals(name))
                .toList();
        final List<Scenario> scenarios = scenarios().stream()
                .filter(scenario -> wanted.isEmpty() || wanted.contains(scenario.name()))
                .toList();
        assertThat(scenarios).as("scenarios named in bench.scenarios").isNotEmpty();

        final List<Result> results = new ArrayList<>();
        for (final Scenario scenario : scenarios) {
            results.add(run(scenario, trials, rate));
            LOG.info("{}", summary(results));
        }
        System.out.println(summary(results));
        final Path out = Path.of(System.getProperty("bench.out", "bench/results/failover-latest.json"));
        write(out, results, trials, rate);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    /**
     * Classic: failure detection is the client's {@code session.timeout.ms} (Kafka Streams leaves the
     * consumer's 45 s default). Streams protocol: the broker's {@code group.streams.*} settings decide
     * (the client's {@code session.timeout.ms}, {@code heartbeat.interval.ms} and
     * {@code num.standby.replicas} are ignored), and its minimum session timeout is 45 s unless lowered.
     * The standby replica the app asks for is given to the streams group on the broker, so both
     * protocols fail over to a warm copy.
     */
    private static List<Scenario> scenarios() {
        // the local brokers ship the 6 s settings (BrokerSettings.streamsGroupDefaults): the 45 s scenario
        // puts Kafka's own defaults back, the 10 s one the app's earlier settings
        final Map<String, String> streamsStandby =
                new LinkedHashMap<>(Map.of("group.streams.num.standby.replicas", "1"));
        streamsStandby.put("group.streams.min.session.timeout.ms", "45000");
        streamsStandby.put("group.streams.session.timeout.ms", "45000");
        streamsStandby.put("group.streams.min.heartbeat.interval.ms", "5000");
        streamsStandby.put("group.streams.heartbeat.interval.ms", "5000");
        final Map<String, String> streamsFast = new LinkedHashMap<>(BrokerSettings.streamsGroupDefaults());
        streamsFast.put("group.streams.session.timeout.ms", "10000");
        streamsFast.put("group.streams.heartbeat.interval.ms", "3000");
        return List.of(
                new Scenario(
                        SHIPPED,
                        StreamsSettings.of("127.0.0.1:9", Path.of("state"), Map.of())
                                .getProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG),
                        Long.parseLong(StreamsSettings.of("127.0.0.1:9", Path.of("state"), Map.of())
                                .getProperty(
                                        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))),
                        Long.parseLong(StreamsSettings.of("127.0.0.1:9", Path.of("state"), Map.of())
                                .getProperty(
                                        StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))),
                        Map.of(),
                        Map.of()),
                new Scenario("classic-45s", "classic", 45_000, 3_000, appDetection("classic", 45_000, 3_000), Map.of()),
                new Scenario(
                        "streams-45s",
                        "streams",
                        45_000,
                        5_000,
                        appDetection("streams", 45_000, 5_000),
                        streamsStandby),
                new Scenario("classic-10s", "classic", 10_000, 3_000, appDetection("classic", 10_000, 3_000), Map.of()),
                new Scenario(
                        "streams-10s", "streams", 10_000, 3_000, appDetection("streams", 10_000, 3_000), streamsFast));
    }

    /**
     * The app's own failure detection, the main consumer's (the shipped one is 10 s); under the
     * streams protocol the app asks its group for it.
     */
    private static Map<String, String> appDetection(
            final String protocol, final long sessionTimeoutMs, final long heartbeatIntervalMs) {
        return Map.of(
                StreamsConfig.GROUP_PROTOCOL_CONFIG,
                protocol,
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                Long.toString(sessionTimeoutMs),
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                Long.toString(heartbeatIntervalMs));
    }

    private Result run(final Scenario scenario, final int trials, final int rate) throws Exception {
        LOG.info("Scenario {}", scenario);
        final Path dir = tmp.resolve(scenario.name());
        final List<Integer> ports = LoopbackPorts.free(2);
        final LocalCluster.Builder builder = LocalCluster.builder(dir.resolve("cluster"))
                .brokers(1)
                .ports(List.of(ports.get(0)), List.of(ports.get(1)))
                .property("offsets.topic.num.partitions", "6")
                .property("transaction.state.log.num.partitions", "6");
        scenario.brokerSettings().forEach(builder::property);
        final List<AppInstance> instances = new ArrayList<>();
        try (LocalCluster cluster = builder.open()) {
            cluster.startAll();
            cluster.awaitReady(READY);
            final String bootstrap = cluster.bootstrapServers();
            PipelineSetup.provisionTopics(bootstrap, PARTITIONS);
            PipelineSetup.defineCatalog(bootstrap, CATALOG);
            final Path kafkaConfig = dir.resolve("instance.properties");
            Files.writeString(
                    kafkaConfig,
                    scenario.clientSettings().entrySet().stream()
                            .map(setting -> setting.getKey() + "=" + setting.getValue())
                            .collect(Collectors.joining(System.lineSeparator())));
            for (int id = 1; id <= INSTANCES; id++) {
                final List<String> args = new ArrayList<>(List.of(
                        "--no-demo-catalog",
                        "--partitions",
                        Integer.toString(PARTITIONS),
                        "--kafka-config",
                        kafkaConfig.toString()));
                // run's default: a stopped instance leaves the group, so its tasks go to their warm standbys
                // at once. (--no-leave-group-on-stop, as the Kubernetes manifests run it, moves no task
                // through a restart instead, and the instance's partitions wait for it to be back: 3.5-8.4 s
                // here, measured with this benchmark, as long as the restart takes.)
                final AppInstance instance =
                        new AppInstance(Integer.toString(id), dir.resolve("i" + id), bootstrap, args);
                instances.add(instance);
                instance.start();
            }
            for (final AppInstance instance : instances) {
                instance.awaitRunning(READY);
            }
            PipelineSetup.awaitProductsApplied(bootstrap, CATALOG, READY);

            try (OrderEventLog events = new OrderEventLog(bootstrap);
                    OrderTraffic traffic = new OrderTraffic(bootstrap, FailoverBench::order, rate)) {
                traffic.start();
                Thread.sleep(WARM_UP.toMillis());
                // the steady state: the orders placed in the STEADY after the pipeline first kept up (the
                // ones before it include the start's backlog: tasks settling on three new instances)
                final long steadyFrom = events.awaitKeepingUp(traffic, CAUGHT_UP_LAG, READY);
                Thread.sleep(STEADY.toMillis());
                events.awaitKeepingUp(traffic, CAUGHT_UP_LAG, READY);
                final Stat steady = Stat.of(latencies(traffic, events, steadyFrom, steadyFrom + STEADY.toMillis()));

                final List<Trial> done = new ArrayList<>();
                for (int trial = 0; trial < trials; trial++) {
                    final AppInstance victim = instances.get(trial % INSTANCES);
                    done.add(killAndMeasure(scenario, victim, traffic, events));
                    final Trial last = done.get(done.size() - 1);
                    // progress of a run that takes many minutes, on the console like the summary
                    System.out.printf(
                            "%s, kill %d of %d (instance %s): failover %.1f s, stall %.1f s%n",
                            scenario.name(),
                            trial + 1,
                            trials,
                            last.victim(),
                            last.failoverMs() / 1000.0,
                            last.stallMs() / 1000.0);
                    victim.start();
                    victim.awaitRunning(READY);
                    Thread.sleep(AFTERMATH.toMillis());
                    events.awaitKeepingUp(traffic, CAUGHT_UP_LAG, READY);
                }
                // a rolling restart's step: SIGTERM, then the same instance id back at once: its tasks go
                // to their standbys while it is away, and it gets tasks back from its own checkpointed stores
                final List<Trial> cleanRestarts = new ArrayList<>();
                for (int trial = 0; SHIPPED.equals(scenario.name()) && trial < trials; trial++) {
                    final AppInstance restarted = instances.get(trial % INSTANCES);
                    final long stoppedAt = System.currentTimeMillis();
                    restarted.stop();
                    final long exitedAt = System.currentTimeMillis();
                    restarted.start();
                    restarted.awaitRunning(READY);
                    final long runningAt = System.currentTimeMillis();
                    Thread.sleep(AFTERMATH.toMillis());
                    final long until = events.awaitKeepingUp(traffic, CAUGHT_UP_LAG, READY);
                    final long slowest = latencies(traffic, events, stoppedAt, until).stream()
                            .mapToLong(Long::longValue)
                            .max()
                            .orElse(0);
                    // where the stall lies: while the instance stops, while it starts, or once it runs again
                    final Gap gap = longestGap(events.seen(), stoppedAt, until);
                    cleanRestarts.add(new Trial(
                            restarted.instanceId(),
                            slowest,
                            gap.length(),
                            traffic.placedBetween(stoppedAt, until).size()));
                    System.out.printf(
                            "%s, clean restart %d of %d (instance %s): slowest order %.1f s, stall %.1f s"
                                    + " (from %+.1f s to %+.1f s of the SIGTERM; exited %+.1f s, RUNNING %+.1f s)%n",
                            scenario.name(),
                            trial + 1,
                            trials,
                            restarted.instanceId(),
                            slowest / 1000.0,
                            gap.length() / 1000.0,
                            (gap.fromMs() - stoppedAt) / 1000.0,
                            (gap.toMs() - stoppedAt) / 1000.0,
                            (exitedAt - stoppedAt) / 1000.0,
                            (runningAt - stoppedAt) / 1000.0);
                }
                traffic.stop();
                assertThat(events.awaitTerminal(traffic.placed().keySet(), READY))
                        .as("orders without a terminal state in %s", scenario.name())
                        .isEmpty();
                assertThat(events.awaitReadToEnd(READY))
                        .as("order-events read to its end")
                        .isTrue();
                assertThat(events.seen().stream()
                                .filter(seen -> seen.event().status().terminal())
                                .collect(Collectors.groupingBy(
                                        seen -> seen.event().orderId(), Collectors.counting())))
                        .as("terminal events per order in %s", scenario.name())
                        .allSatisfy((orderId, count) ->
                                assertThat(count).as(orderId).isEqualTo(1L));
                return new Result(
                        scenario,
                        done,
                        Stat.of(done.stream().map(Trial::failoverMs).toList()),
                        Stat.of(done.stream().map(Trial::stallMs).toList()),
                        steady,
                        traffic.placed().size(),
                        cleanRestarts);
            }
        } finally {
            for (final AppInstance instance : instances) {
                instance.kill();
            }
        }
    }

    private static Trial killAndMeasure(
            final Scenario scenario, final AppInstance victim, final OrderTraffic traffic, final OrderEventLog events)
            throws InterruptedException {
        final long killedAt = System.currentTimeMillis();
        victim.kill();
        // the orders of the first seconds after the kill surely touch the dead instance's tasks: when all of
        // those are done, its tasks run elsewhere
        final long deadline = killedAt + scenario.sessionTimeoutMs() + READY.toMillis();
        while (System.currentTimeMillis() < deadline) {
            final long now = System.currentTimeMillis();
            if (now - killedAt > 2 * CAUGHT_UP_LAG.toMillis()
                    && events.withoutTerminal(traffic.placedBetween(killedAt, now - CAUGHT_UP_LAG.toMillis()))
                            .isEmpty()) {
                break;
            }
            Thread.sleep(POLL.toMillis());
        }
        Thread.sleep(AFTERMATH.toMillis());
        final long until = events.awaitKeepingUp(traffic, CAUGHT_UP_LAG, READY);
        final List<String> after = traffic.placedBetween(killedAt, until);
        final long failover = latencies(traffic, events, killedAt, until).stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
        return new Trial(
                victim.instanceId(),
                failover,
                longestGap(events.seen(), killedAt, until).length(),
                after.size());
    }

    /** Placed-to-terminal latencies of the orders placed in [from, until], all of which have ended. */
    private static List<Long> latencies(
            final OrderTraffic traffic, final OrderEventLog events, final long from, final long until) {
        final Map<String, Seen> ended = events.firstTerminal();
        return traffic.placed().values().stream()
                .filter(placed -> placed.placedAtMs() >= from && placed.placedAtMs() <= until)
                .map(placed -> ended.get(placed.order().orderId()).receivedAtMs() - placed.placedAtMs())
                .toList();
    }

    /** A stretch of time without a terminal event on one partition of {@code order-events}. */
    record Gap(long fromMs, long toMs) {
        long length() {
            return toMs - fromMs;
        }
    }

    /**
     * The longest time any order-events partition went without a terminal event after {@code killedAt},
     * measured from the last one before it.
     */
    static Gap longestGap(final List<Seen> seen, final long killedAt, final long until) {
        final Map<Integer, List<Long>> arrivals = seen.stream()
                .filter(event -> event.event().status().terminal() && event.receivedAtMs() <= until)
                .collect(Collectors.groupingBy(
                        Seen::partition, Collectors.mapping(Seen::receivedAtMs, Collectors.toList())));
        Gap longest = new Gap(killedAt, killedAt);
        for (final List<Long> times : arrivals.values()) {
            times.sort(Comparator.naturalOrder());
            long previous = times.stream()
                    .filter(time -> time <= killedAt)
                    .reduce((a, b) -> b)
                    .orElse(killedAt);
            for (final long time : times) {
                if (time > killedAt) {
                    if (time - previous > longest.length()) {
                        longest = new Gap(previous, time);
                    }
                    previous = time;
                }
            }
            if (until - previous > longest.length()) {
                longest = new Gap(previous, until);
            }
        }
        return longest;
    }

    /** Orders that all go the whole way: reservation, payment, completion. */
    private static Order order(final int i) {
        final String customerId = "bench-" + i % 5000;
        return new Order(
                "bench-" + i,
                customerId,
                "Customer " + customerId,
                customerId + "@example.com",
                List.of(new OrderLine(CATALOG.get(i % CATALOG.size()).sku(), 1)),
                new PaymentDetails(PaymentSimulator.APPROVED_CARD));
    }

    private static String summary(final List<Result> results) {
        final StringBuilder text = new StringBuilder(String.format(
                "%nFailover after kill -9 of one of %d instances (%d partitions, exactly-once, 1 standby)%n"
                        + "%-12s %-8s %8s %9s  %-20s  %-20s  %-16s%n",
                INSTANCES,
                PARTITIONS,
                "scenario",
                "protocol",
                "session",
                "heartbeat",
                "failover median/max",
                "stall median/max",
                "steady p50/max"));
        for (final Result result : results) {
            text.append(String.format(
                    "%-12s %-8s %7.0fs %8.0fs  %8.1fs / %6.1fs   %8.1fs / %6.1fs   %5dms / %5dms%n",
                    result.scenario().name(),
                    result.scenario().protocol(),
                    result.scenario().sessionTimeoutMs() / 1000.0,
                    result.scenario().heartbeatIntervalMs() / 1000.0,
                    result.failoverMs().median() / 1000.0,
                    result.failoverMs().max() / 1000.0,
                    result.stallMs().median() / 1000.0,
                    result.stallMs().max() / 1000.0,
                    result.steadyLatencyMs().median(),
                    result.steadyLatencyMs().max()));
        }
        return text.toString();
    }

    private static void write(final Path out, final List<Result> results, final int trials, final int rate)
            throws Exception {
        final Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "failover");
        report.put("at", Instant.now().toString());
        report.put("kafkaVersion", AppInfoParser.getVersion());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("brokers", 1);
        report.put("instances", INSTANCES);
        report.put("partitions", PARTITIONS);
        report.put("ordersPerSecond", rate);
        report.put("trialsPerScenario", trials);
        report.put("processingGuarantee", StreamsConfig.EXACTLY_ONCE_V2);
        report.put(
                "measures",
                Map.of(
                        "failoverMs", "longest placed-to-terminal latency of the orders placed after the kill",
                        "stallMs",
                                "longest gap between terminal events on one order-events partition, from the last before the kill "
                                        + "(failover_median_s: its median with the shipped settings: kill -9 until the victim's keys end orders again)",
                        "steadyLatencyMs",
                                "placed-to-terminal latency (p50 as median) of the orders placed in the 15 s after the pipeline first kept up, before the first kill"));
        // the shipped settings' figures, as the issue of record names them
        results.stream()
                .filter(result -> SHIPPED.equals(result.scenario().name()))
                .findFirst()
                .ifPresent(shipped -> {
                    report.put("failover_median_s", shipped.stallMs().median() / 1000.0);
                    report.put("failover_max_s", shipped.stallMs().max() / 1000.0);
                    report.put("session_timeout_s", shipped.scenario().sessionTimeoutMs() / 1000.0);
                    report.put(
                            "clean_restart_max_stall_s",
                            shipped.cleanRestarts().stream()
                                            .mapToLong(Trial::stallMs)
                                            .max()
                                            .orElse(0)
                                    / 1000.0);
                    report.put("steady_p50_ms", shipped.steadyLatencyMs().median());
                });
        report.put("results", results);
        final Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
    }
}
