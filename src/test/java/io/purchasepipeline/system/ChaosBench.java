package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.purchasepipeline.cli.Main;
import io.purchasepipeline.mail.EmailIds;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.payment.SimulatedProvider;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.system.OrderEventLog.Seen;
import io.purchasepipeline.tools.kafka.KafkaTestClients;
import io.purchasepipeline.tools.kafka.LocalCluster;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import io.purchasepipeline.topology.PipelineConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The chaos run ({@code bench/chaos}): three brokers ({@code cluster --brokers 3}'s own nodes) and
 * three app instances as processes under a steady load of orders and direct seat commands, while app
 * instances are killed with {@code kill -9} and restarted over and over, payment workers (processes of
 * their own, asking one {@link SimulatedProvider} on loopback that answers in 100-300 ms) are killed
 * mid-call and restarted, and one broker is killed and restarted. Then the load stops, the pipeline drains and {@code verify} reads every topic. Every
 * email goes to one SMTP server in this JVM, which counts what it received by Message-ID against
 * the emails requested on {@code emails} ({@link MailTally}).
 *
 * <p>Writes {@code bench/results/chaos-latest.json} and fails when anything was lost, doubled,
 * oversold or charged twice, when an email requested never reached the server, or when the server
 * received more second copies than there were kills of processes that send mail.
 * {@code -Dchaos.quick=true} is the short run (about 15 minutes); otherwise
 * {@code -Dchaos.orders=N} orders (default 100,000) at {@code -Dchaos.rate}.
 */
@Tag("bench")
class ChaosBench {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosBench.class);
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private static final int INSTANCES = 3;
    private static final int PARTITIONS = 6;
    private static final Duration READY = Duration.ofSeconds(180);
    private static final Duration HOLD_TIMEOUT = Duration.ofSeconds(60);
    /** The instances' group protocol: the shipped one unless {@code chaos.protocol} says otherwise. */
    private static final String GROUP_PROTOCOL = System.getProperty(
            "chaos.protocol",
            StreamsSettings.of("127.0.0.1:9", Path.of("state"), Map.of())
                    .getProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG));
    /**
     * The mail wait goes on as long as emails keep arriving, and ends when none has arrived for this
     * long (a redelivery waits its delay, seconds, first).
     */
    private static final Duration MAIL_STALL = Duration.ofSeconds(120);

    private static final int SEATS = 20;
    /** Every run, the quick one too, kills at least this many instances. */
    private static final int MIN_INSTANCE_KILLS = 2;
    /** Payment workers run as processes of their own, besides the one in every instance. */
    private static final int PAYMENT_WORKERS = 2;
    /** Every run, the quick one too, kills at least this many of them. */
    private static final int MIN_WORKER_KILLS = 2;

    private static final Duration WORKER_RESTART_AFTER = Duration.ofSeconds(3);
    /** The provider answers in 100-300 ms, so that a kill finds calls in flight; 1% of answers are lost. */
    private static final PaymentSimulator.Behaviour PROVIDER =
            new PaymentSimulator.Behaviour(Duration.ofMillis(100), Duration.ofMillis(200), 0.01, 42);

    @TempDir
    Path tmp;

    /** What the run does, from system properties. */
    record Plan(
            int ordersPerSecond,
            int orders,
            int seatCommandsPerSecond,
            Duration instanceKillEvery,
            Duration workerKillEvery,
            Duration restartAfter,
            int brokerKills,
            Duration drain,
            Duration mailDrain) {

        static Plan fromSystemProperties() {
            final boolean quick = Boolean.getBoolean("chaos.quick");
            final int rate = Integer.getInteger("chaos.rate", quick ? 15 : 40);
            final int orders = Integer.getInteger("chaos.orders", quick ? 2_400 : 100_000);
            return new Plan(
                    rate,
                    orders,
                    Integer.getInteger("chaos.seat-rate", 5),
                    Duration.ofSeconds(Integer.getInteger("chaos.kill-every-s", quick ? 35 : 120)),
                    Duration.ofSeconds(Integer.getInteger("chaos.worker-kill-every-s", quick ? 25 : 90)),
                    Duration.ofSeconds(8),
                    Integer.getInteger("chaos.broker-kills", quick ? 1 : 3),
                    Duration.ofSeconds(Integer.getInteger("chaos.drain-s", quick ? 240 : 900)),
                    // a bound, not the wait: the wait ends once every email is in or none comes
                    Duration.ofSeconds(Integer.getInteger("chaos.mail-drain-s", quick ? 1200 : 10800)));
        }

        Duration loadTime() {
            return Duration.ofSeconds(orders / ordersPerSecond);
        }
    }

    @Test
    void chaos() throws Exception {
        final Plan plan = Plan.fromSystemProperties();
        LOG.info("Chaos plan {} (load for {} s)", plan, plan.loadTime().toSeconds());
        final long startedAt = System.currentTimeMillis();
        final List<Integer> ports = LoopbackPorts.free(7);
        final GreenMail smtp = new GreenMail(new ServerSetup(ports.get(6), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        final DeliveredMail mail = new DeliveredMail(smtp);
        // count and drop what arrives as the run goes, so that the server never holds the whole run's mail
        final ScheduledExecutorService mailCounter = Executors.newSingleThreadScheduledExecutor(task -> {
            final Thread thread = new Thread(task, "mail-counter");
            thread.setDaemon(true);
            return thread;
        });
        mailCounter.scheduleWithFixedDelay(
                () -> {
                    try {
                        mail.collect();
                    } catch (Exception e) {
                        LOG.warn("Counting the delivered emails failed; trying again: {}", e.toString());
                    }
                },
                5,
                5,
                TimeUnit.SECONDS);
        final List<AppInstance> instances = new ArrayList<>();
        final List<AppInstance> paymentWorkers = new ArrayList<>();
        final Map<String, Object> result = new LinkedHashMap<>();
        // one provider that every payment worker asks, as they would share a real one: its ledger
        // outlives the workers, so it sees a call repeated after a kill
        try (SimulatedProvider provider = SimulatedProvider.start(PROVIDER);
                LocalCluster cluster = LocalCluster.builder(tmp.resolve("cluster"))
                        .brokers(3)
                        .ports(ports.subList(0, 3), ports.subList(3, 6))
                        .maxHeap("448m")
                        .property("offsets.topic.num.partitions", "6")
                        .property("transaction.state.log.num.partitions", "6")
                        .open()) {
            cluster.startAll();
            cluster.awaitReady(READY);
            final String bootstrap = cluster.bootstrapServers();
            PipelineSetup.provisionTopics(bootstrap, PARTITIONS);
            final Map<String, Product> catalog = new LinkedHashMap<>(ScaledInstancesTest.CATALOG);
            // stock for a long run: scarce enough that some orders run out, plenty for the full run
            final long scale = Math.max(1, plan.orders() / 1_000);
            catalog.replaceAll((sku, product) -> product.stock() == null
                    ? product
                    : new Product(sku, product.name(), product.kind(), product.price(), product.stock() * scale));
            for (int seat = 1; seat <= SEATS; seat++) {
                final String sku = "box-" + seat;
                catalog.put(sku, new Product(sku, "Box seat " + seat, ProductKind.SEAT, new BigDecimal("80.00"), null));
            }
            PipelineSetup.defineCatalog(bootstrap, catalog.values());

            final Path kafkaConfig = tmp.resolve("instance.properties");
            // chaos.protocol: the group protocol of the instances, for a run side by side with the shipped one
            Files.writeString(
                    kafkaConfig,
                    PipelineConfig.HOLD_TIMEOUT_MS + "=" + HOLD_TIMEOUT.toMillis() + "\n"
                            + StreamsConfig.GROUP_PROTOCOL_CONFIG + "=" + GROUP_PROTOCOL + "\n");
            for (int id = 1; id <= INSTANCES; id++) {
                instances.add(new AppInstance(
                        Integer.toString(id),
                        tmp.resolve("i" + id),
                        bootstrap,
                        List.of(
                                "--no-demo-catalog",
                                "--partitions",
                                Integer.toString(PARTITIONS),
                                "--kafka-config",
                                kafkaConfig.toString(),
                                "--smtp-host",
                                "127.0.0.1",
                                "--smtp-port",
                                Integer.toString(ports.get(6)),
                                "--smtp-tls",
                                "none",
                                "--payment-gateway-url",
                                provider.url().toString())));
            }
            for (int id = 1; id <= PAYMENT_WORKERS; id++) {
                paymentWorkers.add(AppInstance.worker(
                        "payment",
                        "payment-" + id,
                        tmp.resolve("payment-" + id),
                        bootstrap,
                        List.of("--payment-gateway-url", provider.url().toString())));
            }
            for (final AppInstance instance : instances) {
                instance.start();
            }
            for (final AppInstance worker : paymentWorkers) {
                worker.start();
            }
            for (final AppInstance instance : instances) {
                instance.awaitRunning(READY);
            }
            for (final AppInstance worker : paymentWorkers) {
                worker.awaitRunning(READY);
            }
            PipelineSetup.awaitProductsApplied(bootstrap, catalog.values(), READY);

            int instanceKills = 0;
            int workerKills = 0;
            int brokerKills = 0;
            final List<Integer> callsInFlightAtWorkerKills = new ArrayList<>();
            final Random random = new Random(42);
            final Map<String, OrderTraffic.Placed> placed;
            final long seatCommands;
            try (OrderEventLog events = new OrderEventLog(bootstrap);
                    OrderTraffic traffic =
                            new OrderTraffic(bootstrap, ScaledInstancesTest::order, plan.ordersPerSecond());
                    SeatStorm seats = new SeatStorm(bootstrap, plan.seatCommandsPerSecond())) {
                final long loadStart = System.nanoTime();
                final long loadEnd = loadStart + plan.loadTime().toNanos();
                traffic.start();
                seats.start();
                // the broker kills spread evenly over the load, between the instance kills
                final long brokerKillEvery = plan.loadTime().toNanos() / (plan.brokerKills() + 1);
                long nextInstanceKill = loadStart + plan.instanceKillEvery().toNanos();
                long nextBrokerKill =
                        loadStart + brokerKillEvery + plan.instanceKillEvery().toNanos() / 2;
                long nextWorkerKill = loadStart + plan.workerKillEvery().toNanos();
                // a kill's restart takes as long as the machine needs (an instance killed under
                // exactly-once restores its stores from the changelogs: a minute and more on two busy
                // cores): the load goes on until the kills the run promises have happened (at most
                // four times the planned load time); a broker kill that is due goes before a worker
                // kill, which comes round every few seconds
                while (System.nanoTime() < loadEnd
                        || (instanceKills < MIN_INSTANCE_KILLS
                                        || brokerKills < plan.brokerKills()
                                        || workerKills < MIN_WORKER_KILLS)
                                && System.nanoTime()
                                        < loadEnd + 3 * plan.loadTime().toNanos()) {
                    final long now = System.nanoTime();
                    if (now >= nextInstanceKill) {
                        final int index = random.nextInt(INSTANCES);
                        final AppInstance victim = instances.get(index);
                        LOG.info("Chaos: kill -9 of instance {}", index + 1);
                        victim.kill();
                        instanceKills++;
                        Thread.sleep(plan.restartAfter().toMillis());
                        victim.start();
                        victim.awaitRunning(READY);
                        nextInstanceKill =
                                System.nanoTime() + plan.instanceKillEvery().toNanos();
                    } else if (brokerKills < plan.brokerKills() && now >= nextBrokerKill) {
                        final int node = 1 + random.nextInt(3);
                        LOG.info("Chaos: kill -9 of broker {}", node);
                        cluster.kill(node);
                        brokerKills++;
                        Thread.sleep(plan.restartAfter().toMillis());
                        cluster.restart(node, READY);
                        nextBrokerKill += brokerKillEvery;
                    } else if (now >= nextWorkerKill) {
                        final AppInstance victim = paymentWorkers.get(random.nextInt(PAYMENT_WORKERS));
                        final int inFlight = provider.callsInFlight();
                        callsInFlightAtWorkerKills.add(inFlight);
                        LOG.info(
                                "Chaos: kill -9 of {} with {} provider calls in flight", victim.instanceId(), inFlight);
                        victim.kill();
                        workerKills++;
                        // a worker comes back faster than an instance: it has no state to restore
                        Thread.sleep(WORKER_RESTART_AFTER.toMillis());
                        victim.start();
                        victim.awaitRunning(READY);
                        nextWorkerKill =
                                System.nanoTime() + plan.workerKillEvery().toNanos();
                    } else {
                        Thread.sleep(200);
                    }
                }
                traffic.stop();
                seats.stop();
                placed = Map.copyOf(traffic.placed());
                seatCommands = seats.acknowledged();
                LOG.info("Load over: {} orders placed, {} seat commands; draining", placed.size(), seatCommands);
                final long loadSeconds = (System.nanoTime() - loadStart) / 1_000_000_000L;
                final long deliveredWhenLoadEnded = mail.deliveries().size();
                final List<String> missing = events.awaitTerminal(placed.keySet(), plan.drain());
                events.awaitReadToEnd(Duration.ofSeconds(120));
                final Map<String, List<Seen>> terminals = events.seen().stream()
                        .filter(seen -> seen.event().status().terminal())
                        .collect(Collectors.groupingBy(seen -> seen.event().orderId()));
                final long duplicated = terminals.values().stream()
                        .filter(list -> list.size() > 1)
                        .count();
                final Map<OrderStatus, Long> outcomes = terminals.values().stream()
                        .map(list -> list.get(0).event().status())
                        .collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()));

                final Path report = tmp.resolve("verify.json");
                final int verifyExit = new CommandLine(new Main())
                        .execute("verify", "--bootstrap-servers", bootstrap, "--json", report.toString());
                final VerificationReportView verify = VerificationReportView.read(report);
                // every email the pipeline asked for is on `emails` (once: the email-ids check); the
                // senders deliver them behind the orders, so wait until the server has every one of
                // them, as long as they keep coming (within a generous bound)
                final List<String> requested = requestedMessageIds(bootstrap);
                final long mailWaitStart = System.nanoTime();
                final long mailDeadline = mailWaitStart + plan.mailDrain().toNanos();
                long received = mail.collect();
                final long deliveredWhenDrained = mail.deliveries().size();
                long lastArrival = System.nanoTime();
                long lastReport = mailWaitStart;
                System.out.printf(
                        "Orders ended; %d of %d requested emails delivered (%d when the load ended after %d s)%n",
                        deliveredWhenDrained, requested.size(), deliveredWhenLoadEnded, loadSeconds);
                while (!MailTally.of(requested, mail.deliveries()).complete()
                        && System.nanoTime() < mailDeadline
                        && System.nanoTime() - lastArrival < MAIL_STALL.toNanos()) {
                    Thread.sleep(1_000);
                    final long now = mail.collect();
                    if (now > received) {
                        received = now;
                        lastArrival = System.nanoTime();
                    }
                    if (System.nanoTime() - lastReport >= Duration.ofMinutes(1).toNanos()) {
                        lastReport = System.nanoTime();
                        System.out.printf(
                                "Mail wait %d s: %d of %d requested emails delivered%n",
                                (lastReport - mailWaitStart) / 1_000_000_000L,
                                mail.deliveries().size(),
                                requested.size());
                    }
                }
                final long mailWaitSeconds = (System.nanoTime() - mailWaitStart) / 1_000_000_000L;
                final Map<EmailOutcome.Status, Long> emailStatuses = emailStatuses(bootstrap);
                // read again: the final count must see any email requested while the mail was awaited
                final MailTally emails = MailTally.of(requestedMessageIds(bootstrap), mail.deliveries());
                // every instance runs a mail sender, and each one killed may leave one hand-over cut
                // short; a broker is no sender
                final int mailSenderKills = instanceKills;

                result.put("date", Instant.ofEpochMilli(startedAt).toString());
                result.put(
                        "machine",
                        Map.of(
                                "cores",
                                Runtime.getRuntime().availableProcessors(),
                                "java",
                                System.getProperty("java.version")));
                result.put(
                        "plan",
                        Map.of(
                                "orders_per_s",
                                plan.ordersPerSecond(),
                                "seat_commands_per_s",
                                plan.seatCommandsPerSecond(),
                                "instance_kill_every_s",
                                plan.instanceKillEvery().toSeconds(),
                                "restart_after_s",
                                plan.restartAfter().toSeconds(),
                                "hold_timeout_s",
                                HOLD_TIMEOUT.toSeconds(),
                                "group_protocol",
                                GROUP_PROTOCOL));
                result.put("orders", placed.size());
                result.put("orders_sent", traffic.sent());
                result.put("orders_not_acknowledged", traffic.failed());
                result.put("seat_commands", seatCommands);
                result.put("instance_kills", instanceKills);
                result.put("worker_kills", workerKills);
                result.put("provider_calls_in_flight_at_worker_kills", callsInFlightAtWorkerKills);
                result.put("broker_kills", brokerKills);
                result.put("lost", missing.size());
                result.put("duplicated", duplicated);
                result.put("oversold", verify.violations("physical-stock") + verify.violations("seat-holders"));
                // charged twice as the orders say (completed twice, or completed and otherwise ended),
                // and as the provider saw it: authorised or captured twice, or captured after a void
                final Map<String, String> providerDoubleCharges =
                        provider.simulator().doubleCharges();
                result.put("double_charged", verify.violations("charged-once") + providerDoubleCharges.size());
                result.put("provider_double_charges", providerDoubleCharges);
                result.put("provider_calls", provider.simulator().calls());
                result.put("duplicate_email_requests", verify.violations("email-ids"));
                // counted on the mail server's side: what it received against what was requested
                result.putAll(emails.asResult());
                result.put("mail_sender_kills", mailSenderKills);
                // how the senders kept up: delivered when the load ended, when every order had
                // ended, and how long the rest took
                result.put("load_s", loadSeconds);
                result.put("emails_delivered_when_load_ended", deliveredWhenLoadEnded);
                result.put("emails_delivered_when_orders_ended", deliveredWhenDrained);
                result.put("mail_wait_s", mailWaitSeconds);
                result.put("mail_failures", emails.failures(mailSenderKills));
                // the ledger's latest word on each email: REDELIVERED = handed over again after a cut-short hand-over
                result.put("email_outcomes", emailStatuses);
                result.put("outcomes", outcomes);
                result.put("verify_exit", verifyExit);
                result.put("verify_checks", verify.checks());
                result.put("wall_s", (System.currentTimeMillis() - startedAt) / 1000);
            }
        } finally {
            for (final AppInstance instance : instances) {
                instance.kill();
            }
            for (final AppInstance worker : paymentWorkers) {
                worker.kill();
            }
            mailCounter.shutdownNow();
            smtp.stop();
        }
        final Path out = Path.of(System.getProperty("chaos.out", "bench/results/chaos-latest.json"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), result);
        System.out.println(JSON.writeValueAsString(result));
        assertThat(result)
                .as("the chaos run's damage (%s)", out)
                .containsEntry("lost", 0)
                .containsEntry("duplicated", 0L)
                .containsEntry("oversold", 0L)
                .containsEntry("double_charged", 0L)
                .containsEntry("duplicate_email_requests", 0L)
                .containsEntry("emails_lost", 0L)
                .containsEntry("mail_failures", List.of());
        assertThat(result.get("verify_exit")).isEqualTo(0);
        assertThat((int) result.get("instance_kills")).isGreaterThanOrEqualTo(MIN_INSTANCE_KILLS);
        assertThat((int) result.get("worker_kills")).isGreaterThanOrEqualTo(MIN_WORKER_KILLS);
        assertThat((int) result.get("broker_kills")).isGreaterThanOrEqualTo(1);
    }

    /** The Message-ID of every email requested on {@code emails}. */
    private static List<String> requestedMessageIds(final String bootstrap) {
        final Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return KafkaTestClients.readCommitted(
                        client,
                        Topics.EMAILS.name(),
                        Topics.EMAILS.keySerde().deserializer(),
                        Topics.EMAILS.valueSerde().deserializer())
                .stream()
                .filter(record -> record.value() != null && record.value().emailId() != null)
                .map(record -> EmailIds.messageId(record.value().emailId()))
                .toList();
    }

    /** The latest status of every email on {@code email-outcomes}, counted by status. */
    private static Map<EmailOutcome.Status, Long> emailStatuses(final String bootstrap) {
        final Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        final Map<String, EmailOutcome> latest = KafkaTestClients.latestByKey(KafkaTestClients.readCommitted(
                client,
                Topics.EMAIL_OUTCOMES.name(),
                Topics.EMAIL_OUTCOMES.keySerde().deserializer(),
                Topics.EMAIL_OUTCOMES.valueSerde().deserializer()));
        return latest.values().stream()
                .collect(Collectors.groupingBy(
                        EmailOutcome::status, () -> new java.util.TreeMap<>(), Collectors.counting()));
    }

    /** The {@code verify --json} report, read back for its per-check violation counts. */
    record VerificationReportView(Map<String, Long> checks) {

        static VerificationReportView read(final Path file) throws IOException {
            final var root = JSON.readTree(file.toFile());
            final Map<String, Long> checks = new LinkedHashMap<>();
            root.path("checks")
                    .forEach(check -> checks.put(check.path("name").asText(), (long)
                            check.path("violations").size()));
            return new VerificationReportView(checks);
        }

        long violations(final String check) {
            final Long count = checks.get(check);
            if (count == null) {
                throw new IllegalStateException("verify reported no check named " + check + ": " + checks.keySet());
            }
            return count;
        }
    }

    /**
     * Users racing for the box seats on {@code seat-reservations}: reserve, and now and then release,
     * a random seat, at a steady rate. The pipeline's answers are checked by {@code verify}
     * (no seat held by two users, nor by a user and an order).
     */
    private static final class SeatStorm implements AutoCloseable {

        private final KafkaProducer<String, SeatCommand> producer;
        private final long periodNanos;
        private final AtomicLong acknowledged = new AtomicLong();
        private final Thread sender;
        private volatile boolean running;

        SeatStorm(final String bootstrap, final int perSecond) {
            final Properties props = new Properties();
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "seat-storm");
            producer = new KafkaProducer<>(
                    props,
                    Topics.SEAT_RESERVATIONS.keySerde().serializer(),
                    Topics.SEAT_RESERVATIONS.valueSerde().serializer());
            periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
            sender = new Thread(this::send, "seat-storm");
            sender.setDaemon(true);
        }

        void start() {
            running = true;
            sender.start();
        }

        void stop() throws InterruptedException {
            running = false;
            sender.join(Duration.ofMinutes(2).toMillis());
            producer.flush();
        }

        long acknowledged() {
            return acknowledged.get();
        }

        private void send() {
            final Random random = new Random(7);
            long next = System.nanoTime();
            int i = 0;
            while (running) {
                final long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next += periodNanos;
                final String seat = "box-" + (1 + random.nextInt(SEATS));
                final String user = "fan-" + random.nextInt(50);
                final SeatAction action = random.nextInt(4) == 0 ? SeatAction.RELEASE : SeatAction.RESERVE;
                producer.send(
                        new ProducerRecord<>(
                                Topics.SEAT_RESERVATIONS.name(),
                                seat,
                                new SeatCommand("storm-" + i++, seat, user, action)),
                        (metadata, exception) -> {
                            if (exception == null) {
                                acknowledged.incrementAndGet();
                            }
                        });
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (running) {
                stop();
            }
            producer.close(Duration.ofSeconds(10));
        }
    }
}
