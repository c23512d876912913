package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailCounts;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailOutcome;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.tools.kafka.KafkaTestClients;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mail sender against a real Kafka in this JVM and a real SMTP server (GreenMail), or a
 * scripted one for the refusals a real server gives rarely. All tests share one broker, the
 * topics and the sender's consumer group, as instances do; each test checks its own emails.
 */
class MailSenderTest {

    private static final int PARTITIONS = 3;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String FROM = "shop@purchase-pipeline.test";
    /** Fast retries, so waiting emails come back within the test. */
    private static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(200), Duration.ofMillis(800), 4);
    /** How long an email whose hand-over was cut short waits before it is handed over again. */
    private static final Duration REDELIVERY = Duration.ofSeconds(1);

    private static KafkaClusterTestKit kafka;
    private static Properties client;

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dataDir;

    private final List<MailSender> senders = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmPipeline.startKafka();
        client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            new TopicProvisioner(admin, PARTITIONS, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @AfterEach
    void stopSenders() {
        senders.forEach(MailSender::close);
    }

    @Test
    void deliversEveryKindWithItsSubjectRecipientMessageIdAndBothParts() throws Exception {
        final MailSender sender = start(smtp(greenMail.getSmtp().getPort()), Attachments.NONE);
        final List<EmailRequest> emails =
                Arrays.stream(EmailKind.values()).map(this::email).toList();

        produce(emails);

        awaitFinal(ids(emails));
        assertThat(outcomes(ids(emails)).values())
                .extracting(EmailOutcome::status)
                .containsOnly(EmailOutcome.Status.SENT);
        assertThat(outcomes(ids(emails)).values())
                .extracting(EmailOutcome::detail)
                .allMatch(detail -> detail.startsWith("250"));
        final Map<String, MimeMessage> received = byMessageId(List.of(greenMail.getReceivedMessages()));
        for (final EmailRequest email : emails) {
            final MimeMessage message = received.get(EmailIds.messageId(email.emailId()));
            assertThat(message).as("the %s email", email.kind()).isNotNull();
            assertThat(message.getSubject()).isEqualTo(expectedSubject(email));
            assertThat(message.getFrom()).containsExactly(new InternetAddress(FROM));
            assertThat(message.getAllRecipients()).containsExactly(new InternetAddress(email.to()));
            final Map<String, String> parts = alternatives(message);
            assertThat(parts.keySet()).containsExactly("text/plain", "text/html");
            assertThat(parts.get("text/plain"))
                    .contains("Hello Zoë <Admin> & Co,")
                    .contains(email.orderId());
            assertThat(parts.get("text/html"))
                    .contains("Hello Zoë &lt;Admin&gt; &amp; Co,")
                    .doesNotContain("<Admin>")
                    .contains("<strong>" + email.orderId() + "</strong>");
        }
        final Map<EmailKind, String> texts = emails.stream()
                .collect(Collectors.toMap(
                        EmailRequest::kind,
                        email -> alternatives(received.get(EmailIds.messageId(email.emailId())))
                                .get("text/plain")));
        assertThat(texts.get(EmailKind.SECURITY_NOTICE))
                .contains("the order total is above what we accept in a single order; many orders were placed");
        assertThat(texts.get(EmailKind.PAYMENT_FAILED)).contains("did not go through: the card was declined.");
        assertThat(texts.get(EmailKind.OUT_OF_STOCK)).contains("2 x €49.00 = €98.00 (not available in this quantity)");
        assertThat(texts.get(EmailKind.ORDER_COMPLETED)).contains("€117.90 has been charged");
    }

    @Test
    void replayedEmailsAreNotDeliveredAgainNorCountedAgain() throws Exception {
        final Map<TopicPartition, Long> countsBefore = countEnds(0, 1, 2);
        start(smtp(greenMail.getSmtp().getPort()), Attachments.NONE);
        final List<EmailRequest> emails = Stream.of(
                        EmailKind.ORDER_RECEIVED,
                        EmailKind.ORDER_COMPLETED,
                        EmailKind.ORDER_EXPIRED,
                        EmailKind.PAYMENT_FAILED)
                .map(this::email)
                .toList();
        produce(emails);
        awaitFinal(ids(emails));

        // the same ids again, as a replayed step of the topology would write them
        produce(emails);
        awaitCaughtUp();
        // and the whole topic again, as an operator resetting the group's offsets would
        senders.remove(0).close();
        resetGroupToEarliest();
        start(smtp(greenMail.getSmtp().getPort()), Attachments.NONE);
        awaitCaughtUp();

        assertThat(messageIds(List.of(greenMail.getReceivedMessages())))
                .containsExactlyInAnyOrderElementsOf(messageIds(emails));
        assertThat(sum(countedSince(countsBefore))).isEqualTo(new EmailCounts(emails.size(), 0));
    }

    @Test
    void restartedSenderDeliversOnlyWhatIsNew() throws Exception {
        final MailSettings settings = smtp(greenMail.getSmtp().getPort());
        final List<EmailRequest> first = Stream.of(EmailKind.ORDER_RECEIVED, EmailKind.ORDER_COMPLETED)
                .map(this::email)
                .toList();
        final List<EmailRequest> second = Stream.of(EmailKind.ORDER_RECEIVED, EmailKind.OUT_OF_STOCK)
                .map(this::email)
                .toList();
        start(settings, Attachments.NONE);
        produce(first);
        awaitFinal(ids(first));
        senders.remove(0).close();

        produce(first);
        produce(second);
        start(settings, Attachments.NONE);
        awaitFinal(ids(second));
        awaitCaughtUp();

        final List<EmailRequest> all =
                Stream.concat(first.stream(), second.stream()).toList();
        assertThat(messageIds(List.of(greenMail.getReceivedMessages())))
                .containsExactlyInAnyOrderElementsOf(messageIds(all));
    }

    @Test
    void aPollsEmailsShareOneTransactionAndEachOutcomeIsWrittenAtOnceAfterItsHandOver() throws Exception {
        final List<EmailRequest> emails = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            emails.add(email(EmailKind.ORDER_RECEIVED));
        }
        final TopicPartition outcomes = new TopicPartition(Topics.EMAIL_OUTCOMES.name(), 0);
        final long before = committedEnd(outcomes);
        final Map<TopicPartition, Long> countsBefore = countEnds(0);
        produce(emails, 0);

        start(smtp(greenMail.getSmtp().getPort()), Attachments.NONE);
        awaitFinal(ids(emails));
        awaitCaughtUp();

        // each transaction leaves one commit marker, an offset no record has
        final long written = committedEnd(outcomes) - before;
        final List<ConsumerRecord<String, EmailOutcome>> records = committedFrom(outcomes, before);
        for (final EmailRequest email : emails) {
            // marked ahead; settled at once after its hand-over, outside a transaction; counted by the next one
            assertOutcomes(records, email.emailId(), 1, EmailOutcome.Status.SENT);
        }
        final long transactions = written - records.size();
        // the marks of a poll's emails go in one, their counted outcomes in the next: not one per email
        assertThat(transactions).isBetween(2L, 4L);
        // and each transaction that settled emails counted them, for analytics, once
        assertThat(awaitCounted(countsBefore, new EmailCounts(emails.size(), 0)))
                .hasSizeLessThanOrEqualTo((int) transactions);
        assertThat(messageIds(List.of(greenMail.getReceivedMessages())))
                .containsExactlyInAnyOrderElementsOf(messageIds(emails));
    }

    @Test
    void twoSendersInOneGroupDeliverEachEmailOnceThroughARebalance() throws Exception {
        final MailSettings settings = smtp(greenMail.getSmtp().getPort());
        final List<EmailRequest> emails = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            emails.add(email(EmailKind.values()[i % EmailKind.values().length]));
        }
        start(settings, Attachments.NONE);
        produce(emails.subList(0, 6));
        start(settings, Attachments.NONE);
        produce(emails);
        produce(emails.subList(6, 12));
        awaitFinal(ids(emails));
        awaitCaughtUp();

        assertThat(messageIds(List.of(greenMail.getReceivedMessages())))
                .containsExactlyInAnyOrderElementsOf(messageIds(emails));
    }

    @Test
    void aRecipientRefusedForGoodIsRecordedAsBounced() throws Exception {
        try (SmtpStub server = new SmtpStub()) {
            final EmailRequest refused = email(EmailKind.ORDER_RECEIVED, "nobody@example.com");
            final EmailRequest accepted = email(EmailKind.ORDER_RECEIVED);
            server.replyToRcpt(refused.to(), "550 5.1.1 <nobody@example.com>: no such user");
            final Map<TopicPartition, Long> countsBefore = countEnds(0, 1, 2);
            start(smtp(server.port()), Attachments.NONE);

            produce(List.of(refused, accepted));
            awaitFinal(ids(List.of(refused, accepted)));
            awaitCounted(countsBefore, new EmailCounts(1, 1));

            final Map<String, EmailOutcome> outcomes = outcomes(ids(List.of(refused, accepted)));
            assertThat(outcomes.get(refused.emailId()).status()).isEqualTo(EmailOutcome.Status.BOUNCED);
            assertThat(outcomes.get(refused.emailId()).detail()).contains("550 5.1.1");
            assertThat(outcomes.get(accepted.emailId()).status()).isEqualTo(EmailOutcome.Status.SENT);
            assertThat(messageIdsOf(server.received())).containsExactly(EmailIds.messageId(accepted.emailId()));
        }
    }

    @Test
    void aDeferredEmailHoldsItsPartitionAndIsDeliveredOnceLater() throws Exception {
        try (SmtpStub server = new SmtpStub()) {
            final EmailRequest deferred = email(EmailKind.ORDER_COMPLETED, "busy@example.com");
            final EmailRequest next = email(EmailKind.ORDER_RECEIVED);
            server.replyToRcpt(deferred.to(), "451 4.2.1 mailbox busy, try later", "452 4.2.2 mailbox full");
            start(smtp(server.port()), Attachments.NONE);

            // one partition, so the second email can only go after the first
            produce(List.of(deferred, next), 0);
            awaitFinal(ids(List.of(deferred, next)));

            assertThat(outcomes(ids(List.of(deferred, next))).values())
                    .extracting(EmailOutcome::status)
                    .containsOnly(EmailOutcome.Status.SENT);
            assertThat(messageIdsOf(server.received()))
                    .containsExactly(EmailIds.messageId(deferred.emailId()), EmailIds.messageId(next.emailId()));
        }
    }

    @Test
    void anEmailDeferredTooOftenIsBounced() throws Exception {
        try (SmtpStub server = new SmtpStub()) {
            final EmailRequest email = email(EmailKind.ORDER_RECEIVED, "full@example.com");
            server.replyToRcpt(
                    email.to(),
                    "452 4.2.2 mailbox full",
                    "452 4.2.2 mailbox full",
                    "452 4.2.2 mailbox full",
                    "452 4.2.2 mailbox full");
            start(smtp(server.port()), Attachments.NONE);

            produce(List.of(email));
            awaitFinal(List.of(email.emailId()));

            final EmailOutcome outcome = outcomes(List.of(email.emailId())).get(email.emailId());
            assertThat(outcome.status()).isEqualTo(EmailOutcome.Status.BOUNCED);
            assertThat(outcome.detail()).startsWith("deferred 4 times").contains("452 4.2.2");
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void emailsWaitForAnUnavailableServerAndNoneIsLost() throws Exception {
        try (SmtpStub server = new SmtpStub()) {
            server.available(false);
            final List<EmailRequest> emails = Stream.of(
                            EmailKind.ORDER_RECEIVED, EmailKind.SECURITY_NOTICE, EmailKind.ORDER_EXPIRED)
                    .map(this::email)
                    .toList();
            start(smtp(server.port()), Attachments.NONE);

            produce(emails);
            await("two connection attempts", () -> server.connections() >= 2);
            assertThat(outcomes(ids(emails))).isEmpty();
            server.available(true);
            awaitFinal(ids(emails));

            assertThat(messageIdsOf(server.received())).containsExactlyInAnyOrderElementsOf(messageIds(emails));
        }
    }

    @Test
    void anEmailWhoseConnectionWasCutAfterItsDataIsDeliveredAgainWithItsMessageIdAfterTheDelay() throws Exception {
        try (SmtpStub server = new SmtpStub()) {
            final EmailRequest cutOff = email(EmailKind.ORDER_COMPLETED, "cut@example.com");
            final EmailRequest next = email(EmailKind.ORDER_RECEIVED);
            // the server may have queued the message before the connection went: only the first time
            server.afterData(cutOff.to(), SmtpStub.AfterData.DROP);
            final TopicPartition outcomes = new TopicPartition(Topics.EMAIL_OUTCOMES.name(), 1);
            final long before = committedEnd(outcomes);
            start(smtp(server.port()), Attachments.NONE);

            produce(List.of(cutOff, next), 1);
            awaitFinal(ids(List.of(cutOff, next)));
            awaitCaughtUp();

            assertThat(outcomes(List.of(cutOff.emailId())).get(cutOff.emailId()).status())
                    .isEqualTo(EmailOutcome.Status.REDELIVERED);
            // at least once at the mail server: the copy carries the same Message-ID, and the partition waited for it
            assertThat(messageIdsOf(server.received()))
                    .containsExactly(
                            EmailIds.messageId(cutOff.emailId()),
                            EmailIds.messageId(cutOff.emailId()),
                            EmailIds.messageId(next.emailId()));
            final List<ConsumerRecord<String, EmailOutcome>> records = committedFrom(outcomes, before);
            assertOutcomes(records, cutOff.emailId(), 2, EmailOutcome.Status.REDELIVERED);
            final List<EmailOutcome> written = ofEmail(records, cutOff.emailId());
            assertThat(server.arrivals().get(1))
                    .isGreaterThanOrEqualTo(written.get(0).at() + REDELIVERY.toMillis());
        }
    }

    /**
     * The outcomes written for an email, in order: {@code marks} SENDING marks, then its final
     * outcome twice, at once after the hand-over (uncounted) and by the transaction that counts it.
     */
    private static void assertOutcomes(
            final List<ConsumerRecord<String, EmailOutcome>> records,
            final String emailId,
            final int marks,
            final EmailOutcome.Status last) {
        final List<Tuple> expected = new ArrayList<>();
        for (int i = 0; i < marks; i++) {
            expected.add(tuple(EmailOutcome.Status.SENDING, null));
        }
        expected.add(tuple(last, true));
        expected.add(tuple(last, null));
        assertThat(ofEmail(records, emailId))
                .extracting(EmailOutcome::status, EmailOutcome::uncounted)
                .containsExactlyElementsOf(expected);
    }

    /** Where a sender dies in the hand-over of one email. */
    enum CrashPoint {
        /** Its SENDING mark is written; the message has not gone. */
        BEFORE_HAND_OVER,
        /** The server took the message; its outcome is not written. */
        AFTER_HAND_OVER
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void anEmailWhoseSenderDiedInItsHandOverIsDeliveredAgainWithItsMessageIdAndNoneSettledOrMarkedAheadIs(
            final CrashPoint crash) throws Exception {
        try (SmtpStub server = new SmtpStub()) {
            final List<EmailRequest> settled = List.of(email(EmailKind.ORDER_RECEIVED), email(EmailKind.ORDER_EXPIRED));
            final EmailRequest interrupted = email(EmailKind.ORDER_COMPLETED);
            final List<EmailRequest> ahead = List.of(email(EmailKind.ORDER_RECEIVED), email(EmailKind.OUT_OF_STOCK));
            final List<EmailRequest> all = new ArrayList<>(settled);
            all.add(interrupted);
            all.addAll(ahead);
            final TopicPartition outcomes = new TopicPartition(Topics.EMAIL_OUTCOMES.name(), 2);
            final long before = committedEnd(outcomes);
            final Map<TopicPartition, Long> countsBefore = countEnds(2);
            final MailSettings settings = smtp(server.port());
            final DyingDelivery dying =
                    new DyingDelivery(new SmtpDelivery(settings.smtp(), settings.from()), interrupted.emailId(), crash);
            // a sender that stops polling leaves the group after this long, as a killed one does after its session
            final Properties dyingClient = new Properties();
            dyingClient.putAll(client);
            dyingClient.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "5000");
            // one partition, written before the sender starts, so one poll: one transaction marks them all
            // SENDING ahead, and the dying sender settles the first two before it stops in the third's hand-over
            produce(all, 2);
            senders.add(MailSender.start(KafkaClients.of(dyingClient), settings, Attachments.NONE, QUICK, dying));
            dying.awaitCrashPoint();
            start(settings, Attachments.NONE);
            awaitFinal(ids(all));
            // the dying sender never writes its outcome: it is dead, and out of the group
            dying.die();
            senders.remove(0).close();
            awaitCaughtUp();

            // a second copy of the interrupted email only, and only if the server took the first
            final List<String> expected = new ArrayList<>(messageIds(settled));
            if (crash == CrashPoint.AFTER_HAND_OVER) {
                expected.add(EmailIds.messageId(interrupted.emailId()));
            }
            expected.add(EmailIds.messageId(interrupted.emailId()));
            expected.addAll(messageIds(ahead));
            assertThat(messageIdsOf(server.received())).containsExactlyElementsOf(expected);
            final Map<String, EmailOutcome> latest = outcomes(ids(all));
            assertThat(latest.get(interrupted.emailId()).status()).isEqualTo(EmailOutcome.Status.REDELIVERED);
            assertThat(latest.get(interrupted.emailId()).detail()).startsWith("250");
            final List<ConsumerRecord<String, EmailOutcome>> written = committedFrom(outcomes, before);
            for (final EmailRequest email : settled) {
                assertThat(latest.get(email.emailId()).status()).isEqualTo(EmailOutcome.Status.SENT);
                // settled at once by the dying sender, counted by the next owner
                assertOutcomes(written, email.emailId(), 1, EmailOutcome.Status.SENT);
            }
            // the marks ahead look like cut-short hand-overs to the next owner: handed over after the delay,
            // once at the server, and REDELIVERED in the ledger, which cannot tell
            for (final EmailRequest email : List.of(interrupted, ahead.get(0), ahead.get(1))) {
                assertOutcomes(written, email.emailId(), 2, EmailOutcome.Status.REDELIVERED);
            }
            // counted once each: the copy handed over again is one email sent
            awaitCounted(countsBefore, new EmailCounts(all.size(), 0));
        }
    }

    @Test
    void anEmailLeftSendingByASenderWhoseClockRunsAheadWaitsNoLongerThanTheDelay() throws Exception {
        final EmailRequest uncertain = email(EmailKind.ORDER_RECEIVED);
        final EmailRequest after = email(EmailKind.ORDER_COMPLETED);
        // what a sender on a machine an hour ahead leaves when it stops between its two ledger writes
        final int partition = produce(List.of(uncertain), -1).get(0);
        writeOutcome(
                partition,
                new EmailOutcome(
                        uncertain.emailId(),
                        uncertain.kind(),
                        uncertain.orderId(),
                        EmailOutcome.Status.SENDING,
                        "smtp",
                        System.currentTimeMillis() + Duration.ofHours(1).toMillis()));
        produce(List.of(after), partition);
        start(smtp(greenMail.getSmtp().getPort()), Attachments.NONE);

        awaitFinal(ids(List.of(uncertain, after)));
        awaitCaughtUp();

        assertThat(outcomes(List.of(uncertain.emailId()))
                        .get(uncertain.emailId())
                        .status())
                .isEqualTo(EmailOutcome.Status.REDELIVERED);
        assertThat(messageIds(List.of(greenMail.getReceivedMessages())))
                .containsExactlyElementsOf(messageIds(List.of(uncertain, after)));
    }

    @Test
    void theOutboxSettlesWhatAStoppedSenderLeftByItsFiles() throws Exception {
        final EmailRequest notWritten = email(EmailKind.ORDER_RECEIVED);
        final EmailRequest written = email(EmailKind.ORDER_COMPLETED);
        final EmailRequest writtenNotRecorded = email(EmailKind.PAYMENT_FAILED);
        final Path outbox = dataDir.resolve("outbox");
        Files.createDirectories(outbox);
        for (final EmailRequest email : List.of(written, writtenNotRecorded)) {
            Files.writeString(outbox.resolve(EmailIds.fileName(email.emailId())), "written before the sender stopped");
        }
        // a sender that stopped between its two ledger writes, before or after the file was written
        for (final EmailRequest email : List.of(notWritten, written)) {
            final int partition = produce(List.of(email), -1).get(0);
            writeOutcome(
                    partition,
                    new EmailOutcome(
                            email.emailId(),
                            email.kind(),
                            email.orderId(),
                            EmailOutcome.Status.SENDING,
                            "outbox",
                            System.currentTimeMillis()));
        }
        // and one that stopped after the file, before its outcome was written
        produce(List.of(writtenNotRecorded));
        start(MailSettings.outbox(outbox), Attachments.NONE);

        final List<EmailRequest> all = List.of(notWritten, written, writtenNotRecorded);
        awaitFinal(ids(all));
        awaitCaughtUp();

        assertThat(outcomes(ids(all)).values()).extracting(EmailOutcome::status).containsOnly(EmailOutcome.Status.SENT);
        // the file's absence proves the email was not delivered: it is written now, once
        try (InputStream in = Files.newInputStream(outbox.resolve(EmailIds.fileName(notWritten.emailId())))) {
            assertThat(new MimeMessage(Session.getInstance(new Properties()), in).getMessageID())
                    .isEqualTo(EmailIds.messageId(notWritten.emailId()));
        }
        // a file there is the delivery: it is not written again
        assertThat(outbox.resolve(EmailIds.fileName(written.emailId())))
                .hasContent("written before the sender stopped");
        assertThat(outbox.resolve(EmailIds.fileName(writtenNotRecorded.emailId())))
                .hasContent("written before the sender stopped");
    }

    @Test
    void outboxDeliveriesNeedNoMarkAheadAndShareTheirPollsTransaction() throws Exception {
        final List<EmailRequest> emails = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            emails.add(email(EmailKind.ORDER_RECEIVED));
        }
        final TopicPartition outcomes = new TopicPartition(Topics.EMAIL_OUTCOMES.name(), 0);
        final long before = committedEnd(outcomes);
        final Map<TopicPartition, Long> countsBefore = countEnds(0);
        produce(emails, 0);

        final Path outbox = dataDir.resolve("outbox");
        start(MailSettings.outbox(outbox), Attachments.NONE);
        awaitFinal(ids(emails));
        awaitCaughtUp();

        final long written = committedEnd(outcomes) - before;
        final List<ConsumerRecord<String, EmailOutcome>> records = committedFrom(outcomes, before);
        assertThat(records)
                .extracting(record -> record.value().status())
                .containsOnly(EmailOutcome.Status.SENT)
                .hasSize(emails.size());
        // one transaction per poll (ten emails arrive in one or two), against one per email for a mail server
        assertThat(written - records.size()).isBetween(1L, 3L);
        // analytics reads one count per transaction, not one record per email
        assertThat(awaitCounted(countsBefore, new EmailCounts(emails.size(), 0)))
                .hasSize((int) (written - records.size()));
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(emails.stream()
                            .map(email -> EmailIds.fileName(email.emailId()))
                            .toList());
        }
    }

    @Test
    void theOutboxHoldsOneParseableEmlPerEmail() throws Exception {
        final Path outbox = dataDir.resolve("outbox");
        start(MailSettings.outbox(outbox), Attachments.NONE);
        final List<EmailRequest> emails =
                Arrays.stream(EmailKind.values()).map(this::email).toList();

        produce(emails);
        awaitFinal(ids(emails));
        final Map<Path, FileTime> written = new HashMap<>();
        try (Stream<Path> files = Files.list(outbox)) {
            files.forEach(file -> written.put(file, lastModified(file)));
        }
        produce(emails);
        awaitCaughtUp();

        assertThat(written.keySet())
                .extracting(file -> file.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(emails.stream()
                        .map(email -> EmailIds.fileName(email.emailId()))
                        .toList());
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.collect(Collectors.toMap(file -> file, MailSenderTest::lastModified)))
                    .isEqualTo(written);
        }
        for (final EmailRequest email : emails) {
            final MimeMessage message;
            try (InputStream in = Files.newInputStream(outbox.resolve(EmailIds.fileName(email.emailId())))) {
                message = new MimeMessage(Session.getInstance(new Properties()), in);
            }
            assertThat(message.getMessageID()).isEqualTo(EmailIds.messageId(email.emailId()));
            assertThat(message.getSubject()).isEqualTo(expectedSubject(email));
            assertThat(message.getFrom()).containsExactly(new InternetAddress(MailSettings.DEFAULT_FROM));
            assertThat(message.getAllRecipients()).containsExactly(new InternetAddress(email.to()));
            assertThat(alternatives(message).keySet()).containsExactly("text/plain", "text/html");
        }
        assertThat(outcomes(ids(emails)).values())
                .extracting(EmailOutcome::detail)
                .containsExactlyInAnyOrderElementsOf(emails.stream()
                        .map(email -> EmailIds.fileName(email.emailId()))
                        .toList());
    }

    @Test
    void aCompletionEmailCarriesTheOrdersEbooks() throws Exception {
        final Path library = dataDir.resolve("ebooks");
        final Attachments ebooks = Attachments.ebooks((orderId, customerId, customerName, sku, title) -> {
            final Path file = library.resolve(orderId).resolve(sku + ".pdf");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "%PDF-1.4 " + title + " for " + customerName);
            return file;
        });
        start(smtp(greenMail.getSmtp().getPort()), ebooks);
        final EmailRequest email = SampleEmails.withEbooks(
                email(EmailKind.ORDER_COMPLETED, "reader@example.com"),
                List.of(
                        new EbookTitle("ebook-kafka", "Kafka in Depth"),
                        new EbookTitle("ebook-streams", "Streams & Tables")));

        produce(List.of(email));
        awaitFinal(List.of(email.emailId()));

        final MimeMessage message =
                byMessageId(List.of(greenMail.getReceivedMessages())).get(EmailIds.messageId(email.emailId()));
        assertThat(message.getContentType()).startsWith("multipart/mixed");
        final Multipart mixed = (Multipart) message.getContent();
        assertThat(mixed.getCount()).isEqualTo(3);
        final Map<String, String> body =
                alternatives((Multipart) mixed.getBodyPart(0).getContent());
        assertThat(body.get("text/plain"))
                .contains("Your e-books are attached to this email:\n- Kafka in Depth\n- Streams & Tables");
        assertThat(body.get("text/html")).contains("<li>Streams &amp; Tables</li>");
        final Map<String, String> files = new LinkedHashMap<>();
        for (int i = 1; i < mixed.getCount(); i++) {
            final BodyPart part = mixed.getBodyPart(i);
            assertThat(part.getContentType()).startsWith("application/pdf");
            assertThat(part.getDisposition()).isEqualTo(BodyPart.ATTACHMENT);
            try (InputStream in = part.getInputStream()) {
                files.put(part.getFileName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(files)
                .containsExactly(
                        Map.entry("ebook-kafka.pdf", "%PDF-1.4 Kafka in Depth for Zoë <Admin> & Co"),
                        Map.entry("ebook-streams.pdf", "%PDF-1.4 Streams & Tables for Zoë <Admin> & Co"));
    }

    @Test
    void recordsThatAreNoEmailGoToDeadLettersOnceAndTheEmailsAfterThemAreDelivered() throws Exception {
        start(smtp(greenMail.getSmtp().getPort()), Attachments.NONE);
        final EmailRequest before = email(EmailKind.ORDER_RECEIVED);
        final EmailRequest after = email(EmailKind.ORDER_COMPLETED);
        final Map<String, byte[]> poison = new LinkedHashMap<>();
        poison.put("unreadable", bytes("{not json"));
        poison.put(
                "unknown kind",
                bytes("{\"emailId\":\"" + run + "/x\",\"kind\":\"NO_SUCH_KIND\",\"to\":\"x@example.com\"}"));
        poison.put("no id", bytes("{\"kind\":\"ORDER_RECEIVED\",\"orderId\":\"o\",\"to\":\"x@example.com\"}"));
        poison.put("no kind", bytes("{\"emailId\":\"" + run + "/y\",\"orderId\":\"o\",\"to\":\"x@example.com\"}"));
        poison.put("no value", null);

        // one partition: the email after the poison goes only once the sender is past it
        produce(List.of(before), 0);
        final List<Long> offsets = produceRaw(poison, 0);
        produce(List.of(after), 0);
        awaitFinal(ids(List.of(before, after)));
        awaitCaughtUp();

        final List<ConsumerRecord<byte[], byte[]>> letters = deadLetters(0, offsets);
        assertThat(letters)
                .extracting(letter -> header(letter, "__streams.errors.offset"))
                .containsExactlyElementsOf(offsets.stream().map(String::valueOf).toList());
        assertThat(letters)
                .extracting(letter -> header(letter, "__streams.errors.exception"))
                .containsExactly(
                        SerializationException.class.getName(),
                        SerializationException.class.getName(),
                        InvalidEmailException.class.getName(),
                        InvalidEmailException.class.getName(),
                        InvalidEmailException.class.getName());
        assertThat(letters)
                .extracting(letter -> header(letter, "__streams.errors.message"))
                .allSatisfy(message -> assertThat(message).isNotBlank());
        assertThat(letters).allSatisfy(letter -> {
            assertThat(header(letter, "__streams.errors.topic")).isEqualTo(Topics.EMAILS.name());
            assertThat(header(letter, "__streams.errors.partition")).isEqualTo("0");
            assertThat(header(letter, "__streams.errors.stacktrace")).contains("\tat ");
            assertThat(header(letter, "correlation-id"))
                    .as("the record's own headers are kept")
                    .isEqualTo("poison-" + run);
        });
        assertThat(letters)
                .extracting(letter -> new String(letter.key(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(poison.keySet());
        assertThat(letters).extracting(ConsumerRecord::value).containsExactlyElementsOf(poison.values());
        assertThat(messageIds(List.of(greenMail.getReceivedMessages())))
                .contains(EmailIds.messageId(before.emailId()), EmailIds.messageId(after.emailId()));

        // a restarted sender neither writes a letter again nor stops at the poison
        senders.remove(0).close();
        start(smtp(greenMail.getSmtp().getPort()), Attachments.NONE);
        final EmailRequest later = email(EmailKind.ORDER_EXPIRED);
        produce(List.of(later), 0);
        awaitFinal(List.of(later.emailId()));
        awaitCaughtUp();
        assertThat(deadLetters(0, offsets)).hasSameSizeAs(offsets);
    }

    // ---- the emails

    private EmailRequest email(final EmailKind kind) {
        return email(kind, "buyer-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com");
    }

    private EmailRequest email(final EmailKind kind, final String to) {
        return SampleEmails.of(kind, run + "-" + UUID.randomUUID(), "Zoë <Admin> & Co", to);
    }

    private static String expectedSubject(final EmailRequest email) {
        return switch (email.kind()) {
            case ORDER_RECEIVED -> "We have received your order " + email.orderId();
            case SECURITY_NOTICE -> "Your order " + email.orderId() + " could not be accepted";
            case OUT_OF_STOCK -> "Your order " + email.orderId() + " could not be filled";
            case PAYMENT_FAILED -> "The payment for your order " + email.orderId() + " did not go through";
            case ORDER_EXPIRED -> "Your order " + email.orderId() + " has expired";
            case ORDER_COMPLETED -> "Your order " + email.orderId() + " is complete";
        };
    }

    private static List<String> ids(final List<EmailRequest> emails) {
        return emails.stream().map(EmailRequest::emailId).toList();
    }

    private static List<String> messageIds(final List<?> emailsOrMessages) throws Exception {
        final List<String> ids = new ArrayList<>();
        for (final Object item : emailsOrMessages) {
            ids.add(
                    item instanceof EmailRequest email
                            ? EmailIds.messageId(email.emailId())
                            : ((MimeMessage) item).getMessageID());
        }
        return ids;
    }

    private static List<String> messageIdsOf(final List<String> rawMessages) throws Exception {
        final List<MimeMessage> messages = new ArrayList<>();
        for (final String raw : rawMessages) {
            messages.add(new MimeMessage(
                    Session.getInstance(new Properties()),
                    new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1))));
        }
        return messageIds(messages);
    }

    private static Map<String, MimeMessage> byMessageId(final List<MimeMessage> messages) throws Exception {
        final Map<String, MimeMessage> byId = new HashMap<>();
        for (final MimeMessage message : messages) {
            assertThat(byId.put(message.getMessageID(), message))
                    .as("a second copy of %s", message.getMessageID())
                    .isNull();
        }
        return byId;
    }

    /** The parts of a multipart/alternative body by content type, in order. */
    private static Map<String, String> alternatives(final MimeMessage message) {
        try {
            assertThat(message.getContentType()).startsWith("multipart/alternative");
            return alternatives((Multipart) message.getContent());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> alternatives(final Multipart multipart) throws Exception {
        final Map<String, String> parts = new LinkedHashMap<>();
        for (int i = 0; i < multipart.getCount(); i++) {
            final BodyPart part = multipart.getBodyPart(i);
            parts.put(part.getContentType().split(";")[0].trim(), ((String) part.getContent()).replace("\r\n", "\n"));
        }
        return parts;
    }

    private static FileTime lastModified(final Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The outcomes of one email among these records, in order. */
    private static List<EmailOutcome> ofEmail(
            final List<ConsumerRecord<String, EmailOutcome>> records, final String emailId) {
        return records.stream()
                .filter(record -> emailId.equals(record.key()))
                .map(ConsumerRecord::value)
                .toList();
    }

    /** How a killed process ends: no more of the sender's code runs, and nothing it had not written is written. */
    private static final class Killed extends Error {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /**
     * The mail server, through a sender that freezes at a point of one email's hand-over (it stops
     * polling, so the group moves its partitions on, as it does when a killed sender's session
     * ends) and then dies there.
     */
    private static final class DyingDelivery implements Delivery {

        private final Delivery server;
        private final String emailId;
        private final CrashPoint crash;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch killed = new CountDownLatch(1);

        DyingDelivery(final Delivery server, final String emailId, final CrashPoint crash) {
            this.server = server;
            this.emailId = emailId;
            this.crash = crash;
        }

        void awaitCrashPoint() throws InterruptedException {
            assertThat(reached.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the sender reached %s", crash)
                    .isTrue();
        }

        void die() {
            killed.countDown();
        }

        private void freezeAndDie() {
            reached.countDown();
            try {
                killed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new Killed();
        }

        @Override
        public void ready() throws DeliveryFailure {
            server.ready();
        }

        @Override
        public boolean delivered(final String id) {
            return server.delivered(id);
        }

        @Override
        public boolean repeatable() {
            return server.repeatable();
        }

        @Override
        public String deliver(final MimeMessage message, final String id) throws DeliveryFailure {
            if (id.equals(emailId) && crash == CrashPoint.BEFORE_HAND_OVER) {
                freezeAndDie();
            }
            final String answer = server.deliver(message, id);
            if (id.equals(emailId) && crash == CrashPoint.AFTER_HAND_OVER) {
                freezeAndDie();
            }
            return answer;
        }

        @Override
        public String target() {
            return server.target();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    // ---- Kafka

    private MailSender start(final MailSettings settings, final Attachments attachments) {
        final MailSender sender = MailSender.start(KafkaClients.of(client), settings, attachments, QUICK);
        senders.add(sender);
        return sender;
    }

    private MailSettings smtp(final int port) {
        return new MailSettings(
                FROM,
                new MailSettings.Smtp("127.0.0.1", port, null, null, MailSettings.Security.NONE),
                dataDir.resolve("outbox"),
                REDELIVERY);
    }

    private static void produce(final List<EmailRequest> emails) throws Exception {
        produce(emails, -1);
    }

    /** @param partition where to write them all, or -1 for the partition of each key */
    private static List<Integer> produce(final List<EmailRequest> emails, final int partition) throws Exception {
        final List<Integer> partitions = new ArrayList<>();
        try (KafkaProducer<String, EmailRequest> producer = new KafkaProducer<>(
                producerProps(),
                Topics.EMAILS.keySerde().serializer(),
                Topics.EMAILS.valueSerde().serializer())) {
            for (final EmailRequest email : emails) {
                partitions.add(producer.send(new ProducerRecord<>(
                                Topics.EMAILS.name(), partition < 0 ? null : partition, email.emailId(), email))
                        .get()
                        .partition());
            }
        }
        return partitions;
    }

    /** Raw records keyed by their names, with a correlation id; their offsets, in order. */
    private List<Long> produceRaw(final Map<String, byte[]> records, final int partition) throws Exception {
        final List<Long> offsets = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (final Map.Entry<String, byte[]> record : records.entrySet()) {
                final ProducerRecord<byte[], byte[]> raw = new ProducerRecord<>(
                        Topics.EMAILS.name(), partition, bytes(record.getKey()), record.getValue());
                raw.headers().add("correlation-id", bytes("poison-" + run));
                offsets.add(producer.send(raw).get().offset());
            }
        }
        return offsets;
    }

    /** The committed dead letters of these offsets of {@code emails}, in the order of the offsets. */
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(final int partition, final List<Long> offsets) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Map<Long, ConsumerRecord<byte[], byte[]>> letters = new java.util.TreeMap<>();
        final List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
            }
        }
        for (final ConsumerRecord<byte[], byte[]> letter : all) {
            if (Topics.EMAILS.name().equals(header(letter, "__streams.errors.topic"))
                    && String.valueOf(partition).equals(header(letter, "__streams.errors.partition"))
                    && offsets.contains(Long.parseLong(header(letter, "__streams.errors.offset")))) {
                assertThat(letters.put(Long.parseLong(header(letter, "__streams.errors.offset")), letter))
                        .as("a second dead letter for offset %s", header(letter, "__streams.errors.offset"))
                        .isNull();
            }
        }
        return new ArrayList<>(letters.values());
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String key) {
        final org.apache.kafka.common.header.Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeOutcome(final int partition, final EmailOutcome outcome) throws Exception {
        try (KafkaProducer<String, EmailOutcome> producer = new KafkaProducer<>(
                producerProps(),
                Topics.EMAIL_OUTCOMES.keySerde().serializer(),
                Topics.EMAIL_OUTCOMES.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.EMAIL_OUTCOMES.name(), partition, outcome.emailId(), outcome))
                    .get();
        }
    }

    private static Properties producerProps() {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private static long committedEnd(final TopicPartition partition) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    /** The committed records of one partition of {@code email-outcomes} from {@code offset} to its end. */
    private static List<ConsumerRecord<String, EmailOutcome>> committedFrom(
            final TopicPartition partition, final long offset) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<String, EmailOutcome>> records = new ArrayList<>();
        try (KafkaConsumer<String, EmailOutcome> consumer = new KafkaConsumer<>(
                props,
                Topics.EMAIL_OUTCOMES.keySerde().deserializer(),
                Topics.EMAIL_OUTCOMES.valueSerde().deserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** The committed ends of these partitions of {@code email-counts}. */
    private static Map<TopicPartition, Long> countEnds(final int... partitions) {
        final Map<TopicPartition, Long> ends = new HashMap<>();
        for (final int partition : partitions) {
            final TopicPartition counts = new TopicPartition(Topics.EMAIL_COUNTS.name(), partition);
            ends.put(counts, committedEnd(counts));
        }
        return ends;
    }

    /** The counts committed on these partitions of {@code email-counts} since the offsets given, one per transaction. */
    private static List<EmailCounts> countedSince(final Map<TopicPartition, Long> from) {
        final Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<EmailCounts> counts = new ArrayList<>();
        try (KafkaConsumer<byte[], EmailCounts> consumer = new KafkaConsumer<>(
                props,
                new ByteArrayDeserializer(),
                Topics.EMAIL_COUNTS.valueSerde().deserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> counts.add(record.value()));
            }
        }
        return counts;
    }

    /**
     * Until the counts since {@code from} add up to {@code expected} (a transaction's markers may reach
     * one partition a moment after another's), then checks they add up to exactly that.
     */
    private static List<EmailCounts> awaitCounted(final Map<TopicPartition, Long> from, final EmailCounts expected)
            throws InterruptedException {
        await(
                "email counts adding up to " + expected,
                () -> sum(countedSince(from)).equals(expected));
        final List<EmailCounts> counts = countedSince(from);
        assertThat(sum(counts)).isEqualTo(expected);
        return counts;
    }

    private static EmailCounts sum(final List<EmailCounts> counts) {
        return new EmailCounts(
                counts.stream().mapToLong(EmailCounts::sent).sum(),
                counts.stream().mapToLong(EmailCounts::bounced).sum());
    }

    /** The latest outcome of each of these emails that has one. */
    private static Map<String, EmailOutcome> outcomes(final List<String> emailIds) {
        final Map<String, EmailOutcome> latest = KafkaTestClients.latestByKey(KafkaTestClients.readCommitted(
                client,
                Topics.EMAIL_OUTCOMES.name(),
                Topics.EMAIL_OUTCOMES.keySerde().deserializer(),
                Topics.EMAIL_OUTCOMES.valueSerde().deserializer()));
        latest.keySet().retainAll(emailIds);
        return latest;
    }

    private static void awaitFinal(final List<String> emailIds) throws InterruptedException {
        await("a final outcome for each of " + emailIds, () -> {
            final Map<String, EmailOutcome> outcomes = outcomes(emailIds);
            return outcomes.size() == emailIds.size()
                    && outcomes.values().stream().noneMatch(outcome -> outcome.status() == EmailOutcome.Status.SENDING);
        });
    }

    /** Until the sender's group has committed a position at the end of every partition of {@code emails}. */
    private static void awaitCaughtUp() throws InterruptedException {
        try (Admin admin = Admin.create(client)) {
            await("the mail sender at the end of " + Topics.EMAILS.name(), () -> {
                try {
                    final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                    MailSender.GROUP_ID, new ListConsumerGroupOffsetsOptions().requireStable(true))
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
                    final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    for (int p = 0; p < PARTITIONS; p++) {
                        latest.put(new TopicPartition(Topics.EMAILS.name(), p), OffsetSpec.latest());
                    }
                    return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                            .allMatch(end -> end.getValue().offset() == 0
                                    || committed.get(end.getKey()) != null
                                            && committed.get(end.getKey()).offset()
                                                    == end.getValue().offset());
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static void resetGroupToEarliest() throws InterruptedException {
        try (Admin admin = Admin.create(client)) {
            final Map<TopicPartition, OffsetAndMetadata> earliest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                earliest.put(new TopicPartition(Topics.EMAILS.name(), p), new OffsetAndMetadata(0));
            }
            // the group takes a moment to be empty after its last member left
            await("the offsets of " + MailSender.GROUP_ID + " reset", () -> {
                try {
                    admin.alterConsumerGroupOffsets(MailSender.GROUP_ID, earliest)
                            .all()
                            .get(10, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
