package io.purchasepipeline.cli;

import com.nimbusds.jose.jwk.JWKSet;
import io.purchasepipeline.http.AdminAuth;
import io.purchasepipeline.http.ClientLimits;
import io.purchasepipeline.http.CustomerTokens;
import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.instance.InstanceSettings;
import io.purchasepipeline.instance.PipelineApp;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.payment.PaymentWorker;
import io.purchasepipeline.runtime.DemoCatalog;
import io.purchasepipeline.runtime.EmbeddedKafka;
import io.purchasepipeline.runtime.GroupMembership;
import io.purchasepipeline.runtime.KafkaAvailability;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.KafkaReachability;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.runtime.Tracing;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: the streams app, on the given Kafka or on an embedded single-node broker. The usual
 * mistakes (a data directory it cannot write, a port in use, a Kafka that does not answer, a
 * settings file that is not there) are told in one sentence before anything starts; once the
 * pipeline is up it says where everything is ({@link Banner}).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Runs the pipeline. Without Kafka settings it starts an embedded single-node Kafka broker first.")
final class RunCommand implements Callable<Integer> {

    /** How long a Kafka that took a connection may be silent before the run says so. */
    private static final Duration KAFKA_SILENCE_TOLD = Duration.ofSeconds(10);
    /** How long a Kafka that took a connection has to answer, before the run gives up on it. */
    private static final Duration KAFKA_ANSWER_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    private CommandSpec spec;

    /** Without bootstrap servers, {@code run} starts an embedded broker. */
    @Mixin
    private KafkaOptions kafka;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:DATA_DIR:-./data}",
            description = "Where state, the embedded broker and outputs live (env DATA_DIR, default ./data)")
    private Path dataDir;

    @Option(
            names = "--instance-id",
            defaultValue = "${env:INSTANCE_ID}",
            description =
                    "This instance's stable name (env INSTANCE_ID): its consumer group membership is static "
                            + "(group.instance.id), so a restart within the session timeout moves no task; its state lives in "
                            + "<data-dir>/state/<instance-id>. None: dynamic membership, state in <data-dir>/state/<env HOSTNAME, else 1>")
    private String instanceId;

    @Option(
            names = "--leave-group-on-stop",
            negatable = true,
            defaultValue = "${env:LEAVE_GROUP_ON_STOP:-true}",
            fallbackValue = "true",
            description = "Leave the consumer group when stopped (env LEAVE_GROUP_ON_STOP, default true), so that the "
                    + "tasks move at once. With --instance-id, --no-leave-group-on-stop keeps them for this instance "
                    + "through a restart (a rolling update) until the session timeout")
    private boolean leaveGroupOnStop;

    @Option(
            names = "--demo-catalog",
            negatable = true,
            description = "Load a sample catalog when the catalog is empty (default: on with the embedded broker)")
    private Boolean demoCatalog;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions of topics created at start (default 6)")
    private int partitions;

    @Option(
            names = "--retention-ms",
            description = "Retention by time of the event topics it creates " + "(default: the broker's)")
    private Long retentionMs;

    @Option(
            names = "--retention-bytes",
            description = "Retention by size per partition of the event topics it " + "creates (default: the broker's)")
    private Long retentionBytes;

    @Option(
            names = "--http-port",
            defaultValue = "${env:HTTP_PORT:-8080}",
            description = "The HTTP endpoint's port (env HTTP_PORT, default 8080)")
    private int httpPort;

    @Option(
            names = "--http-host",
            defaultValue = "${env:HTTP_HOST:-127.0.0.1}",
            description =
                    "The address the HTTP endpoint binds to (env HTTP_HOST, default 127.0.0.1; 0.0.0.0 in containers)")
    private String httpHost;

    @Option(
            names = "--advertised-host",
            defaultValue = "${env:ADVERTISED_HOST}",
            description = "How other instances reach this one's endpoint (env ADVERTISED_HOST; default: the HTTP host, "
                    + "or the host name when bound to every address, as in containers)")
    private String advertisedHost;

    @Option(
            names = "--broker-port",
            defaultValue = "9092",
            description = "The embedded broker's port (default 9092; 0: a free one). "
                    + "A taken port is an error: the port is never shared with another Kafka")
    private int brokerPort;

    @Mixin
    private MailOptions mailOptions;

    @Mixin
    private PaymentOptions paymentOptions;

    @Option(
            names = "--payment-worker",
            negatable = true,
            defaultValue = "${env:PAYMENT_WORKER:-true}",
            fallbackValue = "true",
            description =
                    "Run a payment worker in this instance (the default); --no-payment-worker leaves the payments "
                            + "to `worker payment` processes (env PAYMENT_WORKER)")
    private boolean paymentWorkerHere;

    @Mixin
    private TracingOptions tracingOptions;

    @Option(
            names = "--admin-token",
            defaultValue = "${env:ADMIN_TOKEN}",
            description =
                    "The bearer token PUT /products and the /customers/{id}/flag routes require (env ADMIN_TOKEN, "
                            + "which keeps it out of the process list); none: those routes are open")
    private String adminToken;

    @Option(
            names = "--auth-jwks",
            defaultValue = "${env:AUTH_JWKS}",
            paramLabel = "FILE",
            description =
                    "A JSON Web Key Set file: the customer routes then need a bearer JWT (RS256 or ES256) signed by "
                            + "one of its keys, and act for its sub (env AUTH_JWKS); none: they trust the caller")
    private Path authJwks;

    @Option(
            names = "--auth-public-key",
            defaultValue = "${env:AUTH_PUBLIC_KEY}",
            paramLabel = "FILE",
            description = "A PEM public key (RSA or EC P-256) instead of a key set (env AUTH_PUBLIC_KEY)")
    private Path authPublicKey;

    @Option(
            names = "--auth-issuer",
            defaultValue = "${env:AUTH_ISSUER}",
            description = "The iss a customer token must carry (env AUTH_ISSUER); none: any")
    private String authIssuer;

    @Option(
            names = "--auth-audience",
            defaultValue = "${env:AUTH_AUDIENCE}",
            description = "A value a customer token's aud must hold (env AUTH_AUDIENCE); none: any")
    private String authAudience;

    @Option(
            names = "--auth-role-claim",
            defaultValue = "${env:AUTH_ROLE_CLAIM:-" + CustomerTokens.DEFAULT_ROLE_CLAIM + "}",
            description =
                    "The claim whose value (a string or a list) holds '" + CustomerTokens.ADMIN_ROLE + "' when a token "
                            + "may use the operator routes; a dotted name reaches into objects, e.g. realm_access.roles "
                            + "(env AUTH_ROLE_CLAIM, default " + CustomerTokens.DEFAULT_ROLE_CLAIM + ")")
    private String authRoleClaim;

    @Option(
            names = "--rate-limit",
            defaultValue = "${env:RATE_LIMIT:-0}",
            description =
                    "Requests a second one client address (and one customer, with tokens) may send to POST /orders "
                            + "and the seat reservation routes; beyond it 429 with Retry-After (env RATE_LIMIT; default 0: no limit)")
    private int rateLimit;

    @Option(
            names = "--rate-burst",
            defaultValue = "${env:RATE_BURST:-0}",
            description = "How many of those requests may come at once (env RATE_BURST; default: the rate)")
    private int rateBurst;

    @Override
    public Integer call() throws Exception {
        final HttpAccess access = httpAccess();
        final Map<String, String> clientSettings = clientSettings();
        final GroupMembership membership = GroupMembership.of(instanceId, System.getenv("HOSTNAME"));
        final MailSettings mail = mailOptions.settings(dataDir);
        final PaymentGateway payments = paymentWorkerHere ? paymentOptions.gateway() : null;
        final PaymentWorker.Settings paymentWorker = paymentOptions.worker();
        final Tracing tracing = tracingOptions.tracing();
        StartupChecks.writable(dataDir);
        StartupChecks.free(httpHost, httpPort, "--http-port (env HTTP_PORT)");
        EmbeddedKafka broker = null;
        String bootstrap = kafka.bootstrapServers();
        if (bootstrap == null || bootstrap.isBlank()) {
            final long started = System.nanoTime();
            broker = EmbeddedKafka.start(dataDir.resolve("kafka"), brokerPort, Duration.ofMinutes(2));
            bootstrap = broker.bootstrapServers();
            System.out.printf(
                    "Kafka: embedded broker at %s (data in %s), ready in %.1f s%n",
                    bootstrap, dataDir.resolve("kafka"), (System.nanoTime() - started) / 1e9);
        }
        final KafkaClients clients = KafkaClients.of(bootstrap, clientSettings);
        if (broker == null) {
            KafkaReachability.check(
                    clients.connection(),
                    KAFKA_SILENCE_TOLD,
                    KAFKA_ANSWER_TIMEOUT,
                    silence -> spec.commandLine().getErr().println("purchase-pipeline: " + silence));
        }

        final short replication;
        try (Admin admin = clients.admin()) {
            replication = new TopicProvisioner(
                            admin, partitions, new TopicProvisioner.Retention(retentionMs, retentionBytes))
                    .provision();
            if (demoCatalog != null ? demoCatalog : broker != null) {
                final int loaded = DemoCatalog.loadIfEmpty(admin, clients);
                if (loaded > 0) {
                    System.out.printf("Catalog: loaded %d sample products and seats%n", loaded);
                }
            }
        }

        final Map<String, String> overrides = new HashMap<>(clientSettings);
        overrides.putAll(membership.streamsSettings());
        overrides.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(replication));
        if (replication >= 3) {
            overrides.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), "2");
        }
        if (broker != null) {
            // the embedded default is one instance: a standby has no other instance to live on, and
            // Kafka Streams would warn of every one it cannot place at every rebalance
            overrides.putIfAbsent(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        }
        final HostInfo advertised = new HostInfo(advertisedHost(), httpPort);
        final String name = membership.name();
        final CountDownLatch running = new CountDownLatch(1);
        final PipelineApp app = PipelineApp.start(InstanceSettings.on(bootstrap, overrides)
                .storage(dataDir.resolve("state").resolve(name), dataDir)
                .http(httpHost, advertised, access)
                .payments(payments, paymentWorker)
                .mail(mail)
                .onState((next, previous) -> {
                    if (next == KafkaStreams.State.RUNNING || next == KafkaStreams.State.ERROR) {
                        System.out.printf(
                                "Streams app %s (instance %s): %s%n", StreamsSettings.APPLICATION_ID, name, next);
                    }
                    if (next == KafkaStreams.State.RUNNING) {
                        running.countDown();
                    }
                })
                .kafka(broker != null ? broker : KafkaAvailability.ASSUMED)
                .tracing(tracing)
                .build());
        final Banner banner = new Banner(
                "http://" + reachableHost() + ":" + app.http().port(),
                bootstrap,
                broker == null ? null : dataDir.resolve("kafka"),
                name + (membership.instanceId() != null ? ", static membership" : ""),
                mail,
                paymentWorkerHere
                        ? paymentOptions.describe()
                        : "no worker in this instance: `worker payment` processes answer them",
                tracing.exporting() ? tracing.describe() : null,
                !access.admin().required() && !access.customers().required(),
                Banner.thisProgram());
        final CountDownLatch stopped = new CountDownLatch(1);
        final EmbeddedKafka embedded = broker;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                app.close(leaveGroupOnStop);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            tracing.close();
                            if (embedded != null) {
                                embedded.close();
                            }
                            stopped.countDown();
                        },
                        "shutdown"));
        running.await();
        System.out.print(banner.text());
        stopped.await();
        return 0;
    }

    /** The endpoint's host as a user on this machine types it: a wildcard bind address is no address to them. */
    private String reachableHost() {
        return "0.0.0.0".equals(httpHost) || "::".equals(httpHost) ? "localhost" : httpHost;
    }

    /** Where other instances can reach this one: a wildcard bind address is no address to them. */
    private String advertisedHost() throws java.net.UnknownHostException {
        if (advertisedHost != null && !advertisedHost.isBlank()) {
            return advertisedHost;
        }
        if (!"0.0.0.0".equals(httpHost) && !"::".equals(httpHost)) {
            return httpHost;
        }
        return java.net.InetAddress.getLocalHost().getHostName();
    }

    /** The operator token, the customers' token keys and the per-client limits, read before anything starts. */
    private HttpAccess httpAccess() throws IOException {
        if (authJwks != null && authPublicKey != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--auth-jwks and --auth-public-key (AUTH_JWKS, AUTH_PUBLIC_KEY) are alternatives: give one");
        }
        if (rateLimit < 0 || rateBurst < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate-limit and --rate-burst: 0 or more");
        }
        final CustomerTokens tokens;
        if (authJwks != null || authPublicKey != null) {
            final JWKSet keys =
                    authJwks != null ? CustomerTokens.readJwks(authJwks) : CustomerTokens.readPublicKey(authPublicKey);
            try {
                tokens = CustomerTokens.of(keys, authIssuer, authAudience, authRoleClaim);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        } else {
            tokens = CustomerTokens.off();
        }
        return new HttpAccess(AdminAuth.of(adminToken), tokens, ClientLimits.perSecond(rateLimit, rateBurst));
    }

    private Map<String, String> clientSettings() throws IOException {
        return kafka.settings();
    }
}
