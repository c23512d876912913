package io.purchasepipeline.cli;

import io.purchasepipeline.ebook.EbookLibrary;
import io.purchasepipeline.ebook.EbookWorker;
import io.purchasepipeline.mail.Attachments;
import io.purchasepipeline.mail.MailSender;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentGateway;
import io.purchasepipeline.payment.PaymentWorker;
import io.purchasepipeline.runtime.ClientSettings;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.Tracing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code worker payment|mail|ebook}: one service only, against an existing Kafka, until stopped,
 * so that it can run on machines of its own. Workers of one kind share their topic's partitions
 * through their consumer group; every {@code run} instance also runs one of each.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = "Runs one service (payment, mail or ebook) against an existing Kafka until stopped.")
final class WorkerCommand {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}",
            scope = ScopeType.INHERIT,
            description = "Kafka to use (env KAFKA_BOOTSTRAP_SERVERS); required")
    private String bootstrapServers;

    @Option(
            names = "--kafka-config",
            scope = ScopeType.INHERIT,
            description = "A properties file of extra client settings (SASL/TLS)")
    private Path kafkaConfig;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:DATA_DIR:-./data}",
            scope = ScopeType.INHERIT,
            description = "Where outputs live: e-books under ebooks/, the outbox (env DATA_DIR, default ./data)")
    private Path dataDir;

    @Option(
            names = "--instance-id",
            defaultValue = "${env:INSTANCE_ID}",
            scope = ScopeType.INHERIT,
            description = "This worker's name, unique among the workers of its kind running at once, best kept across "
                    + "restarts (env INSTANCE_ID; default: a new random one)")
    private String instanceId;

    @Mixin
    private TracingOptions tracingOptions;

    private final CountDownLatch stopRequested = new CountDownLatch(1);

    @Command(
            name = "payment",
            mixinStandardHelpOptions = true,
            description = "Answers payment-requests on payment-results through a payment provider's API "
                    + "(--payment-gateway-url) or the built-in gateway simulator.")
    int payment(@Mixin final PaymentOptions payments) throws Exception {
        // checked first: it starts nothing until a role asks for it
        final Tracing tracing = tracingOptions.tracing();
        final PaymentGateway gateway = payments.gateway();
        final PaymentWorker.Settings settings = payments.worker();
        final KafkaClients client = clients();
        try (tracing;
                AutoCloseable stopsGateway = gateway instanceof AutoCloseable closeable ? closeable : () -> {};
                PaymentWorker worker = PaymentWorker.start(
                        client,
                        PaymentWorker.GROUP_ID + "-" + instance(),
                        gateway,
                        settings,
                        tracing.forRole(Tracing.Role.PAYMENT))) {
            return serve("Payment worker (" + payments.describe() + ")");
        }
    }

    @Command(
            name = "mail",
            mixinStandardHelpOptions = true,
            description = "Delivers the emails on the emails topic, over SMTP or into <data-dir>/outbox.")
    int mail(@Mixin final MailOptions mailOptions) throws Exception {
        final MailSettings mail = mailOptions.settings(dataDir);
        final KafkaClients client = clients();
        final EbookLibrary library = EbookLibrary.in(dataDir);
        try (Tracing tracing = tracingOptions.tracing();
                MailSender sender = MailSender.start(
                        client, mail, Attachments.ebooks(library::pdfFor), tracing.forRole(Tracing.Role.MAIL))) {
            return serve("Mail sender (" + mail.describe() + ")");
        }
    }

    @Command(
            name = "ebook",
            mixinStandardHelpOptions = true,
            description = "Makes the e-books asked for on ebook-requests, into <data-dir>/ebooks.")
    int ebook() throws Exception {
        final KafkaClients client = clients();
        try (Tracing tracing = tracingOptions.tracing();
                EbookWorker worker = EbookWorker.start(
                        client,
                        EbookWorker.GROUP_ID + "-" + instance(),
                        EbookLibrary.in(dataDir),
                        tracing.forRole(Tracing.Role.EBOOK))) {
            return serve("E-book worker (e-books in " + dataDir.resolve("ebooks") + ")");
        }
    }

    /** Stops a worker started from this command, as Ctrl-C would. */
    void stop() {
        stopRequested.countDown();
    }

    private int serve(final String what) throws InterruptedException {
        final Thread hook = new Thread(stopRequested::countDown, "worker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().printf("%s running against Kafka at %s until stopped%n", what, bootstrapServers);
        spec.commandLine().getOut().flush();
        stopRequested.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is stopping: the hook has run
        }
        return 0;
    }

    private KafkaClients clients() throws IOException {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "A worker needs a Kafka: give --bootstrap-servers or set KAFKA_BOOTSTRAP_SERVERS");
        }
        final Map<String, String> settings = ClientSettings.load(kafkaConfig);
        return KafkaClients.of(bootstrapServers, settings);
    }

    private String instance() {
        return instanceId == null || instanceId.isBlank() ? UUID.randomUUID().toString() : instanceId;
    }
}
