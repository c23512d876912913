package io.purchasepipeline.instance;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.purchasepipeline.ebook.EbookLibrary;
import io.purchasepipeline.ebook.EbookWorker;
import io.purchasepipeline.http.ApiMetrics;
import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.http.HttpApi;
import io.purchasepipeline.http.OperatorPage;
import io.purchasepipeline.http.OrderEventTail;
import io.purchasepipeline.http.OrderSubmission;
import io.purchasepipeline.http.OrderWaiters;
import io.purchasepipeline.http.ProductListing;
import io.purchasepipeline.http.QueryRouter;
import io.purchasepipeline.http.RequestSpans;
import io.purchasepipeline.http.SeatCommandSender;
import io.purchasepipeline.mail.Attachments;
import io.purchasepipeline.mail.MailSender;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.payment.PaymentWorker;
import io.purchasepipeline.runtime.DaemonScheduler;
import io.purchasepipeline.runtime.KafkaAvailability;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.RestoreProgress;
import io.purchasepipeline.runtime.RestoreStalls;
import io.purchasepipeline.runtime.RuntimeMetrics;
import io.purchasepipeline.runtime.StreamsGroupSettings;
import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.runtime.TimedOutTransactions;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.runtime.TopicWriter;
import io.purchasepipeline.runtime.Tracing;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import io.purchasepipeline.stores.InteractiveQueries;
import io.purchasepipeline.stores.StoreNames;
import io.purchasepipeline.stores.StorePartitions;
import io.purchasepipeline.topology.PipelineConfig;
import io.purchasepipeline.topology.PurchaseTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the application: the streams app and the HTTP endpoint that takes orders and
 * answers queries for any key. {@code run} starts one; tests start several in one JVM.
 */
public record PipelineApp(
        KafkaStreams streams,
        KafkaStreamsMetrics streamsMetrics,
        RuntimeMetrics runtimeMetrics,
        HttpApi http,
        SeatCommandSender seats,
        TopicWriter publisher,
        EbookWorker ebooks,
        MailSender mail,
        PaymentWorker payments,
        RestoreStalls restoreStalls,
        TimedOutTransactions timedOutTransactions,
        Admin queryAdmin)
        implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

    /** How often the streams app's metrics are looked through for new ones (tasks come and go). */
    static final Duration METRICS_REFRESH = Duration.ofSeconds(5);

    /** How far behind a standby may be and still answer a query while the owner cannot. */
    public static final long MAX_STANDBY_LAG = 10_000;

    /** Starts one instance: the streams app, then the HTTP endpoint, then the workers. */
    public static PipelineApp start(final InstanceSettings settings) throws InterruptedException {
        final String bootstrapServers = settings.bootstrapServers();
        final Map<String, String> clientSettings = settings.clientSettings();
        final Path stateDir = settings.stateDir();
        final Path dataDir = settings.dataDir();
        final String httpHost = settings.httpHost();
        final HostInfo advertised = settings.advertised();
        final PaymentGateway gateway = settings.gateway();
        final PaymentWorker.Settings payments = settings.payments();
        final MailSettings mail = settings.mail();
        final HttpAccess access = settings.access();
        final KafkaAvailability kafka = settings.kafka();
        final Tracing tracing = settings.tracing();
        final Map<String, String> overrides = new HashMap<>(clientSettings);
        overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
        final Properties props = StreamsSettings.of(bootstrapServers, stateDir, overrides);
        final KafkaClients clients = KafkaClients.of(bootstrapServers, clientSettings);
        final ApiMetrics metrics = new ApiMetrics();
        final OrderWaiters waiters = new OrderWaiters();
        final KafkaStreams streams = new PipelineStreams(
                PurchaseTopology.build(
                        PipelineConfig.from(props),
                        event -> {
                            waiters.changed(event);
                            metrics.changed(event);
                        },
                        tracing.forRole(Tracing.Role.PIPELINE),
                        props),
                StreamsSettings.forClient(props));
        try (Admin groupAdmin = clients.admin()) {
            StreamsGroupSettings.apply(groupAdmin, props);
        }
        streams.setUncaughtExceptionHandler(
                exception -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
        streams.setStateListener(settings.onState());
        // a task's metrics (end-to-end latency per node, restores) exist only once it is assigned: looked
        // for every few seconds instead of Micrometer's minute, so /metrics shows them soon after a rebalance
        final KafkaStreamsMetrics streamsMetrics =
                new KafkaStreamsMetrics(streams, List.of(), DaemonScheduler.named("streams-metrics"), METRICS_REFRESH);
        streamsMetrics.bindTo(metrics.registry());
        final RuntimeMetrics runtimeMetrics = RuntimeMetrics.bindTo(metrics.registry(), METRICS_REFRESH);
        final RestoreProgress restores = new RestoreProgress(metrics.registry());
        streams.setGlobalStateRestoreListener(restores);

        final String instance = advertised.host() + ":" + advertised.port();
        final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                clients.named("purchase-pipeline-http-" + instance).waitedOnProducer(),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        final TopicWriter publisher = new TopicWriter(producer);
        final KafkaConsumer<String, SeatResult> seatAnswers = new KafkaConsumer<>(
                clients.named("purchase-pipeline-seat-answers-" + instance).committedReader(),
                new StringDeserializer(),
                Topics.SEAT_RESERVATION_RESULTS.valueSerde().deserializer());
        runtimeMetrics.client(producer).client(seatAnswers);
        final SeatCommandSender seats = new SeatCommandSender(
                publisher, seatAnswers, Duration.ofSeconds(5), (SeatResult result) -> metrics.seatAnswered(result));
        // each store's partition count, which routes a key to its partition, from the broker
        final Admin queryAdmin = clients.named(
                        "purchase-pipeline-queries-" + advertised.host() + ":" + advertised.port())
                .admin();
        final InteractiveQueries queries = new InteractiveQueries(
                streams,
                advertised,
                MAX_STANDBY_LAG,
                StorePartitions.ofChangelogs(queryAdmin, props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)));
        // a restore that does not move is explained in the log: what holds its changelog back
        final String applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        final Set<String> appTopics = Set.copyOf(TopicProvisioner.topicNames());
        final RestoreStalls restoreStalls = RestoreStalls.watch(
                restores,
                queryAdmin,
                topic -> appTopics.contains(topic) || topic.startsWith(applicationId + "-"),
                bootstrapServers);
        // a killed instance's (or worker's) open transaction is aborted as soon as it times out
        final TimedOutTransactions timedOutTransactions = TimedOutTransactions.watch(
                queryAdmin, TimedOutTransactions.ofApp(applicationId), shortestTransactionTimeout(props));
        metrics.bindAnalytics(() -> queries.getIfLocal(StoreNames.ANALYTICS, AnalyticsSnapshot.KEY));
        // The payment worker joins its group before the stream threads join theirs: a restarted
        // instance takes its payment partitions back while the others still run its stream tasks,
        // and its tasks afterwards, two short pauses one after the other instead of one long one in
        // which the tasks, back first, waited for the payment answers (bench/failover).
        final PaymentWorker paymentWorker = gateway == null
                ? null
                : PaymentWorker.start(
                        clients,
                        PaymentWorker.GROUP_ID + "-" + advertised.host() + ":" + advertised.port(),
                        gateway,
                        payments,
                        tracing.forRole(Tracing.Role.PAYMENT));
        streams.start();
        final OperatorPage page = new OperatorPage(
                OrderEventTail.start(clients, "purchase-pipeline-order-events-tail-" + instance, runtimeMetrics),
                new ProductListing(queries, Duration.ofSeconds(2)));
        final HttpApi http = new HttpApi(
                        new OrderSubmission(publisher, 10_000),
                        publisher,
                        seats,
                        new QueryRouter(queries, Duration.ofSeconds(2)),
                        waiters,
                        new Probes(streams::state, restores, kafka),
                        metrics,
                        access,
                        page,
                        new RequestSpans(tracing.forRole(Tracing.Role.PIPELINE)))
                .start(httpHost, advertised.port());
        // one library for the worker and the completion email, so both find (or make) the same PDF
        final EbookLibrary library = EbookLibrary.in(dataDir);
        final EbookWorker ebooks = EbookWorker.start(
                clients,
                "purchase-pipeline-ebooks-" + advertised.host() + ":" + advertised.port(),
                library,
                tracing.forRole(Tracing.Role.EBOOK));
        final MailSender mailSender = MailSender.start(
                clients, mail, Attachments.ebooks(library::pdfFor), tracing.forRole(Tracing.Role.MAIL));
        return new PipelineApp(
                streams,
                streamsMetrics,
                runtimeMetrics,
                http,
                seats,
                publisher,
                ebooks,
                mailSender,
                paymentWorker,
                restoreStalls,
                timedOutTransactions,
                queryAdmin);
    }

    /** The shortest timeout of the app's transactions: the stream threads' (Kafka Streams' 10 s if not set) or the payment worker's. */
    static Duration shortestTransactionTimeout(final Properties props) {
        final Duration streams = Duration.ofMillis(Long.parseLong(
                props.getProperty(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "10000")));
        return streams.compareTo(PaymentWorker.TRANSACTION_TIMEOUT) < 0 ? streams : PaymentWorker.TRANSACTION_TIMEOUT;
    }

    /** Stops, leaving the group: its tasks move to the other instances at once. */
    @Override
    public void close() throws InterruptedException {
        close(true);
    }

    /**
     * Stops. Leaving the group hands the tasks over at once (a clean stop, a scale-down); staying
     * (a static member that will be back: a rolling restart) keeps them assigned to this instance
     * until the session timeout, so that coming back in time moves nothing. A dynamic member that
     * does not leave only delays the rebalance: it comes back as a new member anyway.
     */
    public void close(final boolean leaveGroup) throws InterruptedException {
        final StopLaps stop = new StopLaps(System::nanoTime);
        http.close();
        stop.lap("HTTP");
        seats.close();
        stop.lap("seats");
        ebooks.close();
        stop.lap("e-books");
        mail.close();
        stop.lap("mail");
        if (payments != null) {
            payments.close();
            stop.lap("payments");
        }
        streamsMetrics.close();
        runtimeMetrics.close();
        // a static member leaves through the admin client (KIP-812): its consumer alone would not
        streams.close(CloseOptions.groupMembershipOperation(
                        leaveGroup
                                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                                : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        stop.lap("stream tasks");
        publisher.close();
        restoreStalls.close();
        timedOutTransactions.close();
        queryAdmin.close();
        stop.lap("clients");
        LOG.info("Stopped in {}", stop);
    }
}
