package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.http.HttpAccess;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.payment.PaymentWorker;
import io.purchasepipeline.runtime.LogCapture;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.runtime.Tracing;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A starting instance's payment worker joins its group before the stream threads join theirs, so a
 * restarted instance takes its payment partitions back while the others still run its tasks
 * (bench/failover: two short pauses one after the other instead of one long one).
 */
class PaymentWorkerFirstTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void thePaymentWorkerHasStartedWhenTheStreamsAppLeavesCreated() throws Exception {
        try (KafkaClusterTestKit cluster = InJvmPipeline.startKafka()) {
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                new TopicProvisioner(admin, 2, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
            }
            final List<String> paymentLinesAtFirstState = new CopyOnWriteArrayList<>();
            try (LogCapture payments = LogCapture.of(PaymentWorker.class, Level.INFO)) {
                final PipelineApp app = PipelineApp.start(InstanceSettings.on(
                                cluster.bootstrapServers(), Map.of(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1"))
                        .storage(dir.resolve("state"), dir.resolve("data"))
                        .http(
                                "127.0.0.1",
                                new HostInfo("127.0.0.1", LoopbackPorts.free(1).get(0)),
                                HttpAccess.open())
                        .payments(new PaymentSimulator())
                        .mail(MailSettings.outbox(dir.resolve("outbox")))
                        .onState((next, previous) -> {
                            if (previous == KafkaStreams.State.CREATED) {
                                paymentLinesAtFirstState.addAll(payments.lines());
                            }
                        })
                        .tracing(Tracing.off())
                        .build());
                app.close();
            }
            assertThat(paymentLinesAtFirstState)
                    .anySatisfy(line -> assertThat(line).startsWith("INFO Payment worker started"));
        }
    }
}
