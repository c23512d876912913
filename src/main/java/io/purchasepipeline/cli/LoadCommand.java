package io.purchasepipeline.cli;

import io.purchasepipeline.runtime.ClientSettings;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.load.CardMix;
import io.purchasepipeline.tools.load.EventWatcher;
import io.purchasepipeline.tools.load.HttpAnswers;
import io.purchasepipeline.tools.load.HttpOrderIds;
import io.purchasepipeline.tools.load.HttpOrderSender;
import io.purchasepipeline.tools.load.LoadCatalog;
import io.purchasepipeline.tools.load.LoadSummary;
import io.purchasepipeline.tools.load.OrderIds;
import io.purchasepipeline.tools.load.OrderMix;
import io.purchasepipeline.tools.load.OrderSender;
import io.purchasepipeline.tools.load.Outcomes;
import io.purchasepipeline.tools.load.Progress;
import io.purchasepipeline.tools.load.Rate;
import io.purchasepipeline.tools.load.RunIds;
import io.purchasepipeline.topology.PipelineConfig;
import io.purchasepipeline.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

// Over 300 lines: 26 option declarations with their help texts; the run itself is in tools/load.
/**
 * {@code load}: drives orders at a running pipeline and measures how long each takes from placed
 * to terminal. Orders go straight to {@code orders} as the HTTP intake writes them, or with
 * {@code --http} through the API's {@code POST /orders} from concurrent clients as a storefront's
 * buyers send them; each ends when its terminal event is read from {@code order-events}. Before it
 * starts, the run defines its own products and waits until the pipeline applied them; after it,
 * the contract's invariants are checked over the topics as {@code verify} checks them.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Drives orders at a running pipeline, at a fixed rate or as fast as it keeps up, and reports "
                + "throughput, placed -> terminal latency, terminal states and the invariants.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every order sent ended exactly once and the invariants hold",
            "1:the run could not be done: Kafka did not answer, the pipeline did not apply the catalog, "
                    + "Kafka did not take an order, or (with --http) an instance did not answer or did not accept one",
            "2:invalid options",
            "3:an order did not end within the timeout, ended twice, or an invariant is broken"
        })
public final class LoadCommand implements Callable<Integer> {

    private static final long DEFAULT_ORDERS = 10_000;
    private static final int DEFAULT_CLIENTS = 16;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka of the running pipeline (env KAFKA_BOOTSTRAP_SERVERS, default ${DEFAULT-VALUE}, "
                    + "where `run` starts its embedded broker)")
    private String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description =
                    "A properties file of extra client settings (SASL/TLS) and the pipeline.* rules, as given to `run`")
    private Path kafkaConfig;

    @Option(
            names = "--http",
            paramLabel = "URL[,URL...]",
            split = ",",
            description = "Place the orders over HTTP, POST /orders on these instances (base URLs such as "
                    + "http://127.0.0.1:8080; repeatable), as a storefront's clients do, instead of writing them to "
                    + "Kafka; their ends are still read from Kafka")
    private List<URI> http;

    @Option(
            names = "--clients",
            paramLabel = "N",
            description = "With --http: concurrent clients, spread over the instances, each sending its next order "
                    + "as soon as the previous one was accepted (default " + DEFAULT_CLIENTS + ")")
    private Integer clients;

    @Option(
            names = "--orders",
            paramLabel = "N",
            description = "Orders to send (default " + DEFAULT_ORDERS + " unless --duration is given; with both, "
                    + "whichever comes first)")
    private Long orders;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to send, e.g. 30s or 2m")
    private Duration duration;

    @Option(
            names = "--rate",
            paramLabel = "N|max",
            defaultValue = "max",
            converter = Rate.Converter.class,
            description =
                    "Orders per second, or max (also 0): as fast as the pipeline ends them (default ${DEFAULT-VALUE})")
    private Rate rate;

    @Option(
            names = "--max-in-flight",
            paramLabel = "N",
            defaultValue = "10000",
            description =
                    "Orders sent and not yet ended, at most; the sender waits for room (default ${DEFAULT-VALUE})")
    private int maxInFlight;

    @Option(
            names = "--skus",
            paramLabel = "N",
            defaultValue = "1000",
            description = "PHYSICAL SKUs to order from (default ${DEFAULT-VALUE})")
    private int skus;

    @Option(
            names = "--hot-skus",
            paramLabel = "N",
            defaultValue = "10",
            description = "How many of the SKUs are hot, with --hot-share (default ${DEFAULT-VALUE})")
    private int hotSkus;

    @Option(
            names = "--hot-share",
            paramLabel = "SHARE",
            description =
                    "Share of the PHYSICAL lines that go to the hot SKUs, e.g. 0.9 (default: lines spread evenly)")
    private Double hotShare;

    @Option(
            names = "--seat-storm",
            paramLabel = "SHARE",
            defaultValue = "0",
            description =
                    "Share of the orders that race for one of the storm seats: one buyer wins each seat, the others "
                            + "end REJECTED_OUT_OF_STOCK (default ${DEFAULT-VALUE})")
    private double seatStorm;

    @Option(
            names = "--storm-seats",
            paramLabel = "N",
            defaultValue = "10",
            description = "Seats the storm orders race for, fresh for each run (default ${DEFAULT-VALUE})")
    private int stormSeats;

    @Option(
            names = "--max-lines",
            paramLabel = "N",
            defaultValue = "3",
            description = "PHYSICAL lines per order, 1 to N of 1 to " + OrderMix.MAX_QUANTITY
                    + " units (default ${DEFAULT-VALUE})")
    private int maxLines;

    @Option(
            names = "--digital-share",
            paramLabel = "SHARE",
            defaultValue = "0",
            description =
                    "Share of the orders that also buy the load e-book, a personalised PDF each (default ${DEFAULT-VALUE})")
    private double digitalShare;

    @Option(
            names = "--customers",
            paramLabel = "N",
            defaultValue = "1000000",
            description = "Customers taking turns; each must stay under the fraud check's velocity limit "
                    + "(default ${DEFAULT-VALUE})")
    private long customers;

    @Option(
            names = "--cards",
            paramLabel = "NAME=WEIGHT[,...]",
            defaultValue = CardMix.DEFAULT,
            converter = CardMix.Converter.class,
            description = "Test cards by weight: approved, declined, insufficient-funds (default ${DEFAULT-VALUE})")
    private CardMix cards;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the order mix, to send the same orders again " + "(default: random, printed)")
    private Long seed;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long to wait for the pipeline: to apply the catalog, to make room in a full window, "
                    + "and for the last orders to end after the last is sent (default ${DEFAULT-VALUE})")
    private Duration timeout;

    @Option(
            names = "--setup",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Define the load products (load-sku-N, the run's storm seats, load-ebook) and wait until the "
                    + "pipeline applied them (default: on)")
    private boolean setup;

    @Option(
            names = "--verify",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "After the run, check the invariants over the topics as `verify` does (default: on)")
    private boolean verify;

    @Option(
            names = "--mix",
            paramLabel = "uniform|hot|flash",
            converter = OrderMix.KindConverter.class,
            description =
                    "A preset of the PHYSICAL lines: uniform (spread evenly over --skus), hot (90%% of the lines on "
                            + "the first 10 SKUs), flash (every order is one unit of the same SKU, a flash sale); instead of "
                            + "--hot-share and --hot-skus")
    private OrderMix.Kind mix;

    @Option(
            names = "--orders-topic",
            paramLabel = "TOPIC",
            defaultValue = "orders",
            description =
                    "Where to send the orders (default ${DEFAULT-VALUE}); another topic drives another application "
                            + "that reads orders and writes order events, such as a benchmark's pass-through")
    private String ordersTopic;

    @Option(
            names = "--events-topic",
            paramLabel = "TOPIC",
            defaultValue = "order-events",
            description = "Where the orders' terminal events are read (default ${DEFAULT-VALUE})")
    private String eventsTopic;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the summary as JSON")
    private Path out;

    @Option(names = "--no-progress", description = "No progress bar (there is none either when not on a terminal)")
    private boolean noProgress;

    @Override
    public Integer call() throws Exception {
        validate();
        final PrintWriter stdout = spec.commandLine().getOut();
        final Map<String, String> settings = ClientSettings.load(kafkaConfig);
        final KafkaClients kafka = kafkaClients(settings);
        final long mixSeed = seed != null ? seed : new SecureRandom().nextLong();
        final OrderIds ids = new OrderIds(new SecureRandom().nextLong());
        final long limit = orders != null ? orders : duration != null ? Long.MAX_VALUE : DEFAULT_ORDERS;
        final OrderMix.Spec mixSpec = mix != null
                ? OrderMix.Spec.of(mix, skus, maxLines, customers, cards)
                : new OrderMix.Spec(
                        skus, hotSkus, hotShare, maxLines, seatStorm, stormSeats, digitalShare, customers, cards);
        final LoadCatalog catalog =
                new LoadCatalog(ids.runTag(), skus, seatStorm > 0 ? stormSeats : 0, digitalShare > 0);
        warnAboutVelocity(mixSpec, PipelineConfig.from(settings), limit);

        stdout.printf(
                Locale.ROOT,
                "Load: %s at rate %s (at most %,d in flight) %s; run %s, seed %d%n",
                limit == Long.MAX_VALUE
                        ? "orders for " + seconds(duration)
                        : String.format(Locale.ROOT, "%,d orders", limit)
                                + (duration == null ? "" : " within " + seconds(duration)),
                rate,
                maxInFlight,
                http == null
                        ? "on " + bootstrapServers
                        : String.format(
                                Locale.ROOT,
                                "over HTTP by %d clients on %s, ends read on %s",
                                clientCount(),
                                String.join(", ", instances()),
                                bootstrapServers),
                ids.runTag(),
                mixSeed);
        stdout.flush();
        try {
            if (setup) {
                final long started = System.nanoTime();
                final int defined = catalog.define(kafka, timeout);
                stdout.printf(
                        Locale.ROOT,
                        "Catalog: %d load products applied by the pipeline in %.1f s%n",
                        defined,
                        (System.nanoTime() - started) / 1e9);
                stdout.flush();
            }
            final OrderMix orders = new OrderMix(mixSpec, catalog, ids, mixSeed);
            final HttpOrderIds httpIds = http == null ? null : new HttpOrderIds(orders);
            final RunIds runIds = http == null ? ids : httpIds;
            final Outcomes outcomes = new Outcomes(runIds, maxInFlight);
            final HttpAnswers answers = new HttpAnswers();
            final OrderSender.Stop stopped = drive(
                    kafka,
                    runIds,
                    outcomes,
                    limit,
                    http == null
                            ? () -> sendToKafka(kafka, orders, outcomes, limit)
                            : () -> sendOverHttp(orders, httpIds, outcomes, answers, limit));
            // as `verify` judges them; orders still in flight (another client's, an earlier run's) are
            // tolerated: this run's own orders are held to ending exactly once by Outcomes
            final VerificationReport report = verify ? VerifyCommand.check(kafka, true) : null;
            final LoadSummary summary = LoadSummary.of(
                    ids.runTag(),
                    mixSeed,
                    summarySettings(),
                    outcomes.result(),
                    outcomes.firstFailure(),
                    stopped,
                    report,
                    http == null ? null : LoadSummary.Http.of(instances(), clientCount(), answers));
            stdout.print(summary.text());
            if (out != null) {
                write(summary);
                stdout.println("Summary written to " + out);
            }
            stdout.flush();
            return summary.exitCode();
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka at " + bootstrapServers + " did not answer in time: " + e.getMessage(), e);
        }
    }

    /** How the run sends its orders: to Kafka, or over HTTP. */
    @FunctionalInterface
    private interface Sending {
        OrderSender.Stop send() throws InterruptedException;
    }

    /** Sends the orders and waits, at most the timeout after the last, until every one sent has ended. */
    private OrderSender.Stop drive(
            final KafkaClients kafka,
            final RunIds ids,
            final Outcomes outcomes,
            final long limit,
            final Sending sending)
            throws InterruptedException {
        final OrderSender.Stop stopped;
        try (EventWatcher watcher = EventWatcher.start(kafka, eventsTopic, outcomes, ids, timeout);
                Progress progress = progress(limit, outcomes)) {
            stopped = sending.send();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (outcomes.snapshot().inFlight() > 0 && System.nanoTime() - deadline < 0) {
                if (watcher.failure() != null) {
                    throw new IllegalStateException(
                            "Reading " + eventsTopic + " failed: "
                                    + watcher.failure().getMessage(),
                            watcher.failure());
                }
                Thread.sleep(50);
            }
        }
        return stopped;
    }

    private OrderSender.Stop sendToKafka(
            final KafkaClients kafka, final OrderMix orders, final Outcomes outcomes, final long limit)
            throws InterruptedException {
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(
                kafka.idempotentProducer(),
                Topics.ORDERS.keySerde().serializer(),
                Topics.ORDERS.valueSerde().serializer())) {
            // the orders topic's metadata before the first order is due, so that it does not wait for it
            producer.partitionsFor(ordersTopic);
            return new OrderSender(producer, ordersTopic, orders, outcomes, rate, timeout).send(limit, duration);
        }
    }

    private OrderSender.Stop sendOverHttp(
            final OrderMix orders,
            final HttpOrderIds ids,
            final Outcomes outcomes,
            final HttpAnswers answers,
            final long limit)
            throws InterruptedException {
        // HTTP/1.1: over plain http the client would otherwise offer an h2c upgrade on every new
        // connection; each client keeps its connection open between orders
        final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        return new HttpOrderSender(client, http, clientCount(), orders, ids, outcomes, answers, rate, timeout)
                .send(limit, duration);
    }

    private Progress progress(final long limit, final Outcomes outcomes) {
        if (noProgress || System.console() == null) {
            return Progress.NONE;
        }
        final long expected =
                limit != Long.MAX_VALUE ? limit : rate.max() ? -1 : rate.perSecond() * duration.toSeconds();
        return Progress.bar(expected, new ConsoleProgressBarConsumer(System.err), outcomes::snapshot);
    }

    private void validate() {
        requireOption(orders == null || orders >= 1, "--orders must be at least 1");
        requireOption(duration == null || !duration.isZero(), "--duration must be longer than 0");
        requireOption(maxInFlight >= 1, "--max-in-flight must be at least 1");
        requireOption(skus >= 1, "--skus must be at least 1");
        requireOption(hotShare == null || hotShare >= 0 && hotShare <= 1, "--hot-share is a share from 0 to 1");
        requireOption(
                hotShare == null || hotSkus >= 1 && hotSkus <= skus,
                "--hot-skus must be from 1 to --skus (" + skus + ")");
        requireOption(seatStorm >= 0 && seatStorm <= 1, "--seat-storm is a share from 0 to 1");
        requireOption(seatStorm == 0 || stormSeats >= 1, "--storm-seats must be at least 1 with a --seat-storm");
        requireOption(seatStorm == 0 || setup, "--seat-storm needs --setup: each run races for seats of its own");
        requireOption(maxLines >= 1 && maxLines <= 10, "--max-lines must be from 1 to 10");
        requireOption(digitalShare >= 0 && digitalShare <= 1, "--digital-share is a share from 0 to 1");
        requireOption(customers >= 1, "--customers must be at least 1");
        requireOption(!timeout.isZero(), "--timeout must be longer than 0");
        requireOption(
                mix == null || hotShare == null && seatStorm == 0 && digitalShare == 0,
                "--mix is a preset of the PHYSICAL lines: leave out --hot-share, --seat-storm and --digital-share with it");
        requireOption(
                mix != OrderMix.Kind.HOT || skus > OrderMix.HOT_MIX_SKUS,
                "--mix hot needs more than " + OrderMix.HOT_MIX_SKUS + " --skus");
        requireOption(clients == null || http != null, "--clients needs --http: the clients are HTTP clients");
        requireOption(clients == null || clients >= 1, "--clients must be at least 1");
        if (http != null) {
            for (final URI instance : http) {
                requireOption(
                        ("http".equals(instance.getScheme()) || "https".equals(instance.getScheme()))
                                && instance.getHost() != null
                                && instance.getQuery() == null,
                        "--http takes base URLs of instances, such as http://127.0.0.1:8080: not " + instance);
            }
            requireOption(
                    ordersTopic.equals(Topics.ORDERS.name()),
                    "--orders-topic does not go with --http: the API writes the orders to " + Topics.ORDERS.name());
        }
    }

    private int clientCount() {
        return clients != null ? clients : DEFAULT_CLIENTS;
    }

    /** The instances' base URLs, as given. */
    private List<String> instances() {
        return http.stream().map(URI::toString).toList();
    }

    private void requireOption(final boolean valid, final String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** Customers take turns: too few for the rate, and the fraud check rejects them for placing too many orders. */
    private void warnAboutVelocity(final OrderMix.Spec mixSpec, final PipelineConfig rules, final long limit) {
        final double safe = mixSpec.velocitySafeRate(rules);
        if (rate.max() ? limit > customers : rate.perSecond() > safe) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            Locale.ROOT,
                            "Warning: %,d customers take turns; above %,.0f orders/s each places more "
                                    + "than %d orders in %d s and the fraud check rejects them: raise --customers%n",
                            customers,
                            safe,
                            rules.velocityMaxOrders(),
                            rules.velocityWindow().toSeconds());
        }
    }

    /** No group: nothing committed, the pipeline's own groups left alone, any number of runs side by side. */
    private KafkaClients kafkaClients(final Map<String, String> settings) {
        return KafkaClients.of(bootstrapServers, settings).namedByDefault("purchase-pipeline-load");
    }

    private LoadSummary.Settings summarySettings() {
        final OrderMix.Spec spec = mix != null ? OrderMix.Spec.of(mix, skus, maxLines, customers, cards) : null;
        return new LoadSummary.Settings(
                rate.toString(),
                orders != null || duration == null ? Long.valueOf(orders != null ? orders : DEFAULT_ORDERS) : null,
                duration == null ? null : duration.toMillis() / 1000.0,
                maxInFlight,
                skus,
                spec != null ? spec.hotSkus() : hotSkus,
                spec != null ? spec.hotShare() : hotShare,
                spec != null ? spec.maxLines() : maxLines,
                seatStorm,
                stormSeats,
                digitalShare,
                customers,
                cards.labelled(),
                timeout.toMillis() / 1000.0);
    }

    private static String seconds(final Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private void write(final LoadSummary summary) throws IOException {
        final Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), summary);
    }
}
