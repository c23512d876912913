package io.purchasepipeline.system;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.purchasepipeline.mail.Attachments;
import io.purchasepipeline.mail.MailSender;
import io.purchasepipeline.mail.MailSettings;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.kafka.LocalCluster;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emails delivered per second by one mail sender, against three brokers (replication factor 3, as
 * deployed; {@code cluster --brokers 3}'s own nodes) and an SMTP server in this JVM, for each client setting under comparison, in alternating rounds of one run
 * ({@code -Dmail.bench.emails=N} per round, {@code -Dmail.bench.rounds=R}). Each round writes new
 * emails and times one sender from its start until the server has received them all. Prints the
 * rounds and the median of each setting.
 *
 * <p>Run by {@code bench/mail}.
 */
@Tag("bench")
class MailBench {

    private static final String FROM = "shop@purchase-pipeline.test";
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(3);

    /** The settings compared: name → client properties added to the sender's. */
    private static final Map<String, Map<String, String>> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("client default retry backoff (100 ms)", Map.of(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100"));
        SETTINGS.put("the sender's own", Map.of());
    }

    @TempDir
    Path tmp;

    @Test
    void emailsPerSecond() throws Exception {
        final int emails = Integer.getInteger("mail.bench.emails", 400);
        final int rounds = Integer.getInteger("mail.bench.rounds", 3);
        final List<Integer> ports = LoopbackPorts.free(1);
        final GreenMail smtp = new GreenMail(new ServerSetup(ports.get(0), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        final Map<String, List<Double>> rates = new LinkedHashMap<>();
        final List<Integer> brokerPorts = LoopbackPorts.free(6);
        try (LocalCluster cluster = LocalCluster.builder(tmp.resolve("cluster"))
                .brokers(3)
                .ports(brokerPorts.subList(0, 3), brokerPorts.subList(3, 6))
                .maxHeap("448m")
                .open()) {
            cluster.startAll();
            cluster.awaitReady(Duration.ofSeconds(180));
            final Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            PipelineSetup.provisionTopics(cluster.bootstrapServers(), 3);
            final MailSettings settings = new MailSettings(
                    FROM,
                    new MailSettings.Smtp("127.0.0.1", ports.get(0), null, null, MailSettings.Security.NONE),
                    tmp.resolve("outbox"));
            // not measured: the topics' leaders settle and the sender's group forms
            produce(client, 20);
            try (MailSender warmUp = MailSender.start(KafkaClients.of(client), settings, Attachments.NONE)) {
                final long started = System.nanoTime();
                while (smtp.getReceivedMessages().length < 20 && System.nanoTime() - started < ROUND_LIMIT.toNanos()) {
                    Thread.sleep(20);
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (final Map.Entry<String, Map<String, String>> setting : SETTINGS.entrySet()) {
                    produce(client, emails);
                    final Properties props = new Properties();
                    props.putAll(client);
                    props.putAll(setting.getValue());
                    final int before = smtp.getReceivedMessages().length;
                    final long started = System.nanoTime();
                    try (MailSender sender = MailSender.start(KafkaClients.of(props), settings, Attachments.NONE)) {
                        while (smtp.getReceivedMessages().length < before + emails) {
                            if (System.nanoTime() - started > ROUND_LIMIT.toNanos()) {
                                throw new AssertionError("round " + round + " (" + setting.getKey() + ") delivered "
                                        + (smtp.getReceivedMessages().length - before) + " of " + emails);
                            }
                            Thread.sleep(20);
                        }
                    }
                    final double seconds = (System.nanoTime() - started) / 1e9;
                    final double rate = emails / seconds;
                    rates.computeIfAbsent(setting.getKey(), key -> new ArrayList<>())
                            .add(rate);
                    System.out.printf(
                            "round %d, %s: %d emails in %.1f s, %.1f emails/s%n",
                            round, setting.getKey(), emails, seconds, rate);
                }
            }
        } finally {
            smtp.stop();
        }
        rates.forEach((name, values) -> System.out.printf(
                "median, %s: %.1f emails/s over %s%n",
                name,
                median(values),
                values.stream().map(v -> String.format("%.1f", v)).toList()));
    }

    private static void produce(final Properties client, final int count) throws Exception {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, EmailRequest> producer = new KafkaProducer<>(
                props,
                Topics.EMAILS.keySerde().serializer(),
                Topics.EMAILS.valueSerde().serializer())) {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final String orderId = "bench-" + UUID.randomUUID();
                final EmailRequest email = new EmailRequest(
                        EmailRequest.idFor(orderId, EmailKind.ORDER_RECEIVED),
                        EmailKind.ORDER_RECEIVED,
                        orderId,
                        "customer-" + i,
                        "Customer " + i,
                        "c" + i + "@example.com");
                sent.add(producer.send(new ProducerRecord<>(Topics.EMAILS.name(), email.emailId(), email)));
            }
            for (final Future<RecordMetadata> written : sent) {
                written.get();
            }
        }
    }

    private static double median(final List<Double> values) {
        final List<Double> sorted = values.stream().sorted().toList();
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
