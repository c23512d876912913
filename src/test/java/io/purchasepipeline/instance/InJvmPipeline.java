package io.purchasepipeline.instance;

import io.purchasepipeline.http.AdminAuth;
import io.purchasepipeline.http.DescribedAnswers;
import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.runtime.DemoCatalog;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.runtime.Tracing;
import io.purchasepipeline.tools.kafka.BrokerSettings;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * A real single-node Kafka in this JVM, the topics as {@code run} makes them, the demo catalog,
 * and {@code n} application instances with their HTTP endpoints on free loopback ports.
 */
public final class InJvmPipeline implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final Path stateRoot;
    private final List<PipelineApp> apps = new ArrayList<>();
    private final List<String> urls = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private final Set<Integer> stopped = ConcurrentHashMap.newKeySet();
    private Tracing tracing = Tracing.off();
    private HttpAccess access;
    private PaymentGateway gateway;
    private IntFunction<Map<String, String>> settings;

    /** How instance {@code i} was started, to start it again the same way; and the states it went through. */
    private record Instance(
            int port,
            Map<String, String> settings,
            PaymentGateway gateway,
            HttpAccess access,
            List<KafkaStreams.State> states) {}

    private InJvmPipeline(final KafkaClusterTestKit cluster, final Path stateRoot) {
        this.cluster = cluster;
        this.stateRoot = stateRoot;
    }

    /** A ready single-node Kafka in this JVM, its internal topics small, for exactly-once on one node. */
    public static KafkaClusterTestKit startKafka() throws Exception {
        return startKafka(SecurityProtocol.PLAINTEXT);
    }

    /**
     * The same, its clients' listener speaking {@code protocol}. With {@code SASL_PLAINTEXT} the
     * mechanism is PLAIN and an authorizer lets only the super user {@code plain-admin} do anything.
     */
    public static KafkaClusterTestKit startKafka(final SecurityProtocol protocol) throws Exception {
        final KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBrokerSecurityProtocol(protocol)
                        .setControllerSecurityProtocol(protocol)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "3")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "3")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        // the streams protocol's broker settings of the embedded broker and the local cluster, except
        // the standby count, which the app sets on its own group (StreamsGroupSettings)
        BrokerSettings.streamsGroupDefaults().forEach((key, value) -> {
            if (!key.equals("group.streams.num.standby.replicas")) {
                builder.setConfigProp(key, value);
            }
        });
        // and the consumer protocol's, which the workers' groups use
        BrokerSettings.consumerGroupDefaults().forEach(builder::setConfigProp);
        final KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    public static InJvmPipeline start(final int instances, final int partitions) throws Exception {
        return start(instances, partitions, AdminAuth.open());
    }

    /** With the operator routes guarded by {@code auth}. */
    public static InJvmPipeline start(final int instances, final int partitions, final AdminAuth auth)
            throws Exception {
        return start(instances, partitions, auth, new PaymentSimulator());
    }

    /** With the operator routes guarded by {@code auth}, and every instance charging through {@code gateway}. */
    public static InJvmPipeline start(
            final int instances, final int partitions, final AdminAuth auth, final PaymentGateway gateway)
            throws Exception {
        return start(instances, partitions, HttpAccess.admin(auth), gateway);
    }

    /** With the routes guarded and limited by {@code access}. */
    public static InJvmPipeline start(final int instances, final int partitions, final HttpAccess access)
            throws Exception {
        return start(instances, partitions, access, new PaymentSimulator());
    }

    /** With the routes guarded and limited by {@code access}, and every instance charging through {@code gateway}. */
    public static InJvmPipeline start(
            final int instances, final int partitions, final HttpAccess access, final PaymentGateway gateway)
            throws Exception {
        return start(instances, partitions, access, gateway, instance -> Map.of());
    }

    /** With further settings for instance {@code i} from {@code settings}, e.g. its {@code group.instance.id}. */
    public static InJvmPipeline start(
            final int instances,
            final int partitions,
            final AdminAuth auth,
            final PaymentGateway gateway,
            final IntFunction<Map<String, String>> settings)
            throws Exception {
        return start(instances, partitions, HttpAccess.admin(auth), gateway, settings);
    }

    /** The same, with the routes guarded and limited by {@code access}. */
    public static InJvmPipeline start(
            final int instances,
            final int partitions,
            final HttpAccess access,
            final PaymentGateway gateway,
            final IntFunction<Map<String, String>> settings)
            throws Exception {
        return start(instances, partitions, access, gateway, settings, Tracing.off());
    }

    /** Every instance's spans going where {@code tracing} sends them (closed with the pipeline). */
    public static InJvmPipeline start(final int instances, final int partitions, final Tracing tracing)
            throws Exception {
        return start(
                instances,
                partitions,
                HttpAccess.admin(AdminAuth.open()),
                new PaymentSimulator(),
                instance -> Map.of(),
                tracing);
    }

    private static InJvmPipeline start(
            final int instances,
            final int partitions,
            final HttpAccess access,
            final PaymentGateway gateway,
            final IntFunction<Map<String, String>> settings,
            final Tracing tracing)
            throws Exception {
        final KafkaClusterTestKit cluster = startKafka();
        final InJvmPipeline pipeline = new InJvmPipeline(cluster, Files.createTempDirectory("in-jvm-pipeline"));
        pipeline.tracing = tracing;
        pipeline.access = access;
        pipeline.gateway = gateway;
        pipeline.settings = settings;
        final Properties admin = new Properties();
        admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (Admin client = Admin.create(admin)) {
            new TopicProvisioner(client, partitions, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
            DemoCatalog.loadIfEmpty(client, KafkaClients.of(admin));
        }
        for (int i = 0; i < instances; i++) {
            pipeline.join();
        }
        return pipeline;
    }

    /**
     * Starts one more instance, with the settings the pipeline gives instance {@code i}, its next
     * number; returns that number once it is started (not yet RUNNING).
     */
    public int join() throws IOException, InterruptedException {
        final int i = instances.size();
        final int port = LoopbackPorts.free(1).get(0);
        final Map<String, String> instanceSettings = new HashMap<>(Map.of(
                StreamsConfig.REPLICATION_FACTOR_CONFIG,
                "1",
                StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                "0"));
        instanceSettings.putAll(settings.apply(i));
        instances.add(new Instance(port, Map.copyOf(instanceSettings), gateway, access, new CopyOnWriteArrayList<>()));
        apps.add(startInstance(i));
        urls.add("http://127.0.0.1:" + port);
        return i;
    }

    /**
     * Stops instance {@code i} for good. Without leaving the group it is, to the group, an instance
     * that died: its tasks stay assigned to it until its session times out.
     */
    public void stop(final int i, final boolean leaveGroup) throws InterruptedException {
        if (stopped.add(i)) {
            apps.get(i).close(leaveGroup);
        }
    }

    private PipelineApp startInstance(final int i) throws InterruptedException {
        final Instance instance = instances.get(i);
        return PipelineApp.start(InstanceSettings.on(cluster.bootstrapServers(), instance.settings())
                .storage(stateRoot.resolve("i" + i), stateRoot.resolve("data"))
                .http("127.0.0.1", new HostInfo("127.0.0.1", instance.port()), instance.access())
                .payments(instance.gateway())
                .mail(MailSettings.outbox(outbox()))
                .onState((next, previous) -> instance.states().add(next))
                .tracing(tracing)
                .build());
    }

    /**
     * Stops instance {@code i} and starts it again on the same state directory, settings and port,
     * as a restart of its process would; returns once it is started (not yet RUNNING).
     *
     * @param leaveGroup whether it leaves the consumer group when it stops
     */
    public PipelineApp restart(final int i, final boolean leaveGroup) throws InterruptedException {
        if (stopped.contains(i)) {
            throw new IllegalStateException("instance " + i + " was stopped for good");
        }
        apps.get(i).close(leaveGroup);
        final PipelineApp started = startInstance(i);
        apps.set(i, started);
        return started;
    }

    /** The states instance {@code i}'s streams app went through, in order, over all its starts. */
    public List<KafkaStreams.State> states(final int i) {
        return List.copyOf(instances.get(i).states());
    }

    public PipelineApp app(final int instance) {
        return apps.get(instance);
    }

    /** The base URL of instance {@code instance}'s endpoint. */
    public String url(final int instance) {
        return urls.get(instance);
    }

    public List<String> urls() {
        return List.copyOf(urls);
    }

    /** Where the instances' mail senders write the emails. */
    public Path outbox() {
        return stateRoot.resolve("data").resolve("outbox");
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Stops everything; then every status the instances answered in the test (their own counts on
     * {@code /metrics}) must be in the API description for its route.
     */
    @Override
    public void close() throws Exception {
        final List<String> scrapes = metricsScrapes();
        for (int i = 0; i < apps.size(); i++) {
            stop(i, true);
        }
        tracing.close();
        cluster.close();
        Utils.delete(stateRoot.toFile());
        scrapes.forEach(DescribedAnswers::assertDescribed);
    }

    /** The metrics of the instances still serving. */
    private List<String> metricsScrapes() throws InterruptedException {
        final List<String> scrapes = new ArrayList<>();
        final HttpClient client = HttpClient.newHttpClient();
        for (final String url : urls) {
            try {
                scrapes.add(client.send(
                                HttpRequest.newBuilder(URI.create(url + "/metrics"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
            } catch (IOException e) {
                // stopped by the test: what it answered is gone with it
            }
        }
        return scrapes;
    }
}
