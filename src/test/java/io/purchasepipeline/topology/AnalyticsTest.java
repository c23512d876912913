package io.purchasepipeline.topology;

import static io.purchasepipeline.topology.PipelineDriver.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.purchasepipeline.serdes.Alert;
import io.purchasepipeline.serdes.EbookGenerated;
import io.purchasepipeline.serdes.EmailCounts;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnalyticsTest {

    private PipelineDriver pipeline;
    private int customer;

    @BeforeEach
    void start() {
        pipeline = new PipelineDriver(new GatewayDesk(), Map.of());
        pipeline.define("ebook", ProductKind.DIGITAL, "9.99", null);
        pipeline.define("tv", ProductKind.PHYSICAL, "2000.00", 1000L);
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    @Test
    void alertsWhenTheFraudRateLeavesItsBand() {
        window(0, 100, 10);
        window(1, 100, 10);
        window(2, 100, 20);
        closeWindowsBefore(3);

        assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
            assertThat(alert.metric()).isEqualTo(Rates.FRAUD);
            assertThat(alert.rate()).isCloseTo(0.20, within(1e-9));
            assertThat(alert.baseline()).isCloseTo(0.10, within(1e-9));
            assertThat(alert.upper()).isCloseTo(0.15, within(1e-9));
            assertThat(alert.volume()).isEqualTo(100);
            assertThat(alert.windowStart()).isEqualTo(windowStart(2).toEpochMilli());
        });
        final AnalyticsSnapshot snapshot = pipeline.analytics();
        assertThat(snapshot.lastClosed().orders()).isEqualTo(100);
        assertThat(snapshot.lastClosed().fraud()).isEqualTo(20);
        assertThat(snapshot.lastRates()).containsEntry(Rates.FRAUD, 0.2).containsEntry(Rates.PAYMENT_APPROVAL, 1.0);
        assertThat(snapshot.baselines().get(Rates.FRAUD)).isCloseTo(0.13, within(1e-9));
        assertThat(snapshot.baselineWindows()).containsEntry(Rates.FRAUD, 3L);
        assertThat(snapshot.activeAlerts()).extracting(Alert::metric).containsExactly(Rates.FRAUD);
    }

    @Test
    void ratesWithinTheBandRaiseNothing() {
        window(0, 100, 10);
        window(1, 100, 12);
        window(2, 100, 8);
        closeWindowsBefore(3);

        assertThat(pipeline.alerts()).isEmpty();
        assertThat(pipeline.analytics().activeAlerts()).isEmpty();
    }

    @Test
    void aWindowWithTooFewOrdersIsNotJudged() {
        window(0, 100, 10);
        window(1, 5, 5);
        closeWindowsBefore(2);

        assertThat(pipeline.alerts()).isEmpty();
        assertThat(pipeline.analytics().lastRates()).containsEntry(Rates.FRAUD, 1.0);
        assertThat(pipeline.analytics().baselineWindows()).containsEntry(Rates.FRAUD, 1L);
    }

    @Test
    void countsEmailsAndEbooksInTheCurrentWindow() {
        pipeline.recordTime(windowStart(0).plusSeconds(5));
        // two transactions of the mail sender: one settled two emails, the other one email that bounced
        pipeline.emailCounts(new EmailCounts(2, 0));
        pipeline.emailCounts(new EmailCounts(0, 1));
        pipeline.ebookGenerated(new EbookGenerated("o-1", "alice", "ebook", "ebooks/o-1/ebook.pdf", 3, 2048, 0));
        pipeline.advanceWallClock(Duration.ofSeconds(1));

        final AnalyticsSnapshot snapshot = pipeline.analytics();
        assertThat(snapshot.current().emailsSent()).isEqualTo(2);
        assertThat(snapshot.current().emailsBounced()).isEqualTo(1);
        assertThat(snapshot.current().ebooks()).isEqualTo(1);
        assertThat(snapshot.lastClosed()).isNull();
    }

    @Test
    void alertsWhenTheEmailBounceRateLeavesItsBandFromTheMailSendersCounts() {
        emails(0, new EmailCounts(60, 3), new EmailCounts(35, 2));
        emails(1, new EmailCounts(94, 6));
        emails(2, new EmailCounts(40, 20), new EmailCounts(30, 10));
        closeWindowsBefore(3);

        assertThat(pipeline.alerts()).singleElement().satisfies(alert -> {
            assertThat(alert.metric()).isEqualTo(Rates.EMAIL_BOUNCE);
            assertThat(alert.rate()).isCloseTo(0.30, within(1e-9));
            assertThat(alert.volume()).isEqualTo(100);
            assertThat(alert.windowStart()).isEqualTo(windowStart(2).toEpochMilli());
        });
        assertThat(pipeline.analytics().lastClosed().emailsSent()).isEqualTo(70);
        assertThat(pipeline.analytics().lastClosed().emailsBounced()).isEqualTo(30);
    }

    /** The mail sender's transactions' counts, inside window {@code index}. */
    private void emails(final int index, final EmailCounts... transactions) {
        pipeline.recordTime(windowStart(index).plusSeconds(1));
        for (final EmailCounts counts : transactions) {
            pipeline.emailCounts(counts);
            pipeline.advanceRecordTime(Duration.ofMillis(100));
        }
        pipeline.advanceWallClock(Duration.ofSeconds(1));
    }

    /** {@code total} clean or fraudulent orders, decided inside window {@code index}. */
    private void window(final int index, final int total, final int fraudulent) {
        pipeline.recordTime(windowStart(index).plusSeconds(1));
        for (int i = 0; i < total; i++) {
            final String who = "c" + ++customer;
            if (i < fraudulent) {
                pipeline.order(who, GatewayDesk.APPROVED_CARD, line("tv", 3));
            } else {
                pipeline.order(who, GatewayDesk.APPROVED_CARD, line("ebook", 1));
            }
            pipeline.advanceRecordTime(Duration.ofMillis(100));
        }
        pipeline.advanceWallClock(Duration.ofSeconds(1));
    }

    /** A record past the end and grace of every window before {@code index} closes them. */
    private void closeWindowsBefore(final int index) {
        pipeline.recordTime(windowStart(index).plusSeconds(30));
        pipeline.ebookGenerated(new EbookGenerated("late", "zed", "ebook", "f", 1, 1, 0));
        pipeline.advanceWallClock(Duration.ofSeconds(1));
        pipeline.advanceWallClock(Duration.ofSeconds(1));
    }

    private static Instant windowStart(final int index) {
        return PipelineDriver.START.plus(Duration.ofMinutes(index));
    }
}
