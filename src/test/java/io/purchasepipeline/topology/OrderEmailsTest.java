package io.purchasepipeline.topology;

import static io.purchasepipeline.topology.PipelineDriver.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.EbookTitle;
import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailLine;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.FraudReason;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.serdes.LineOutcome;
import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderStatus;
import io.purchasepipeline.serdes.PaymentStatus;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.Topics;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each email the pipeline asks for carries: the order's status when it was made, its lines as
 * the catalog named and priced them, the total and the shop's currency, and why the order ended.
 */
class OrderEmailsTest {

    private static final String OK = GatewayDesk.APPROVED_CARD;
    private static final EmailLine BOOKS = new EmailLine("book", "Product book", 2, new BigDecimal("25.00"), null);
    private static final EmailLine EBOOK = new EmailLine("ebook", "Product ebook", 1, new BigDecimal("9.99"), null);

    private PipelineDriver pipeline;

    @BeforeEach
    void start() {
        pipeline = driver(Map.of());
    }

    @AfterEach
    void stop() {
        pipeline.close();
    }

    private static PipelineDriver driver(final Map<String, String> settings) {
        final PipelineDriver driver = new PipelineDriver(new GatewayDesk(), settings);
        driver.define("book", ProductKind.PHYSICAL, "25.00", 3L);
        driver.define("ebook", ProductKind.DIGITAL, "9.99", null);
        driver.define("tv", ProductKind.PHYSICAL, "2000.00", 5L);
        return driver;
    }

    @Test
    void theReceiptItemisesTheOrderAtTheCatalogsPricesAsPending() {
        final Order order = pipeline.order("alice", OK, line("book", 1), line("ebook", 1), line("book", 1));

        final EmailRequest receipt = email(EmailKind.ORDER_RECEIVED);
        assertThat(receipt.orderId()).isEqualTo(order.orderId());
        assertThat(receipt.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(receipt.lines()).as("one line per SKU, as the order is held").containsExactly(BOOKS, EBOOK);
        assertThat(receipt.total()).isEqualByComparingTo("59.99");
        assertThat(receipt.currency()).isEqualTo("EUR");
    }

    @Test
    void theCompletionEmailSaysCompletedWithTheLinesTheTotalAndTheEbooks() {
        pipeline.order("alice", OK, line("book", 2), line("ebook", 1));

        final EmailRequest completed = email(EmailKind.ORDER_COMPLETED);
        assertThat(completed.status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(completed.lines()).containsExactly(BOOKS, EBOOK);
        assertThat(completed.total()).isEqualByComparingTo("59.99");
        assertThat(completed.ebooks()).containsExactly(new EbookTitle("ebook", "Product ebook"));
    }

    @Test
    void theSecurityNoticeSaysWhyWithTheLines() {
        pipeline.order("mallory", OK, line("tv", 3));

        final EmailRequest notice = email(EmailKind.SECURITY_NOTICE);
        assertThat(notice.status()).isEqualTo(OrderStatus.REJECTED_FRAUD);
        assertThat(notice.fraudReasons()).containsExactly(FraudReason.AMOUNT_LIMIT);
        assertThat(notice.lines())
                .containsExactly(new EmailLine("tv", "Product tv", 3, new BigDecimal("2000.00"), null));
        assertThat(notice.total()).isEqualByComparingTo("6000.00");
    }

    @Test
    void theOutOfStockEmailMarksTheLinesThatCouldNotBeHeld() {
        pipeline.order("alice", OK, line("book", 4), line("ebook", 1));

        final EmailRequest unfilled = email(EmailKind.OUT_OF_STOCK);
        assertThat(unfilled.status()).isEqualTo(OrderStatus.REJECTED_OUT_OF_STOCK);
        assertThat(unfilled.lines())
                .containsExactly(
                        new EmailLine("book", "Product book", 4, new BigDecimal("25.00"), LineOutcome.OUT_OF_STOCK),
                        EBOOK);
    }

    @Test
    void thePaymentFailedEmailSaysHowTheCardWasRefused() {
        pipeline.order("alice", GatewayDesk.INSUFFICIENT_FUNDS_CARD, line("book", 1));

        final EmailRequest failed = email(EmailKind.PAYMENT_FAILED);
        assertThat(failed.status()).isEqualTo(OrderStatus.PAYMENT_DECLINED);
        assertThat(failed.payment()).isEqualTo(PaymentStatus.INSUFFICIENT_FUNDS);
        assertThat(failed.lines())
                .containsExactly(new EmailLine("book", "Product book", 1, new BigDecimal("25.00"), null));
    }

    @Test
    void theExpiryEmailSaysExpiredWithTheLines() {
        pipeline.order("alice", GatewayDesk.UNAVAILABLE_CARD, line("book", 1));
        pipeline.advanceWallClock(Duration.ofMinutes(10).plusSeconds(1));

        final EmailRequest expired = email(EmailKind.ORDER_EXPIRED);
        assertThat(expired.status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(expired.lines())
                .containsExactly(new EmailLine("book", "Product book", 1, new BigDecimal("25.00"), null));
        assertThat(expired.total()).isEqualByComparingTo("25.00");
    }

    @Test
    void aSkuTheCatalogDoesNotKnowIsListedWithoutNameOrPriceAndTheTotalIsUnknown() {
        pipeline.order("alice", OK, line("book", 1), line("nothing", 1));

        final EmailRequest receipt = email(EmailKind.ORDER_RECEIVED);
        assertThat(receipt.lines())
                .containsExactly(
                        new EmailLine("book", "Product book", 1, new BigDecimal("25.00"), null),
                        new EmailLine("nothing", null, 1, null, null));
        assertThat(receipt.total()).isNull();
    }

    @Test
    void theCurrencyIsTheShops() {
        try (PipelineDriver dollars = driver(Map.of(PipelineConfig.CURRENCY, "USD"))) {
            dollars.order("alice", OK, line("book", 1));

            assertThat(dollars.emails())
                    .extracting(EmailRequest::currency)
                    .containsOnly("USD")
                    .hasSize(2);
        }
    }

    @Test
    void theJsonLeavesOutWhatAnEmailDoesNotHave() throws Exception {
        pipeline.order("alice", OK, line("book", 1));

        final String json = new String(
                Topics.EMAILS.valueSerde().serializer().serialize("", email(EmailKind.ORDER_RECEIVED)),
                StandardCharsets.UTF_8);
        assertThat(JsonSerde.MAPPER.readTree(json).fieldNames())
                .toIterable()
                .containsExactly(
                        "emailId",
                        "kind",
                        "orderId",
                        "customerId",
                        "customerName",
                        "to",
                        "status",
                        "lines",
                        "total",
                        "currency");
        assertThat(json).doesNotContain("null", "amount", "[]");
    }

    private EmailRequest email(final EmailKind kind) {
        final List<EmailRequest> emails = pipeline.emails();
        return emails.stream()
                .filter(email -> email.kind() == kind)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " email among " + emails));
    }
}
