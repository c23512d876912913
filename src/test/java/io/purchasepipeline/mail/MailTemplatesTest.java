package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.serdes.EmailLine;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.OrderStatus;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The words of each kind of email, in plain text and in HTML, which must say the same. */
class MailTemplatesTest {

    private static final URI SHOP = URI.create("https://shop.example.com/");
    private static final String HOSTILE_CUSTOMER = "<script>alert('x')</script> & \"Co\"";
    private static final String HOSTILE_PRODUCT = "<img src=x onerror=alert(1)> Kafka & Co";

    private final MailTemplates templates = new MailTemplates(SHOP);

    /** What each kind says besides its lines, in the plain text. */
    private static final Map<EmailKind, String> SAYS = Map.of(
            EmailKind.ORDER_RECEIVED, "we have received your order ord-7 and are processing it now",
            EmailKind.SECURITY_NOTICE,
                    "we could not accept your order ord-7: the order total is above what we accept in a "
                            + "single order; many orders were placed from your account in a short time. Nothing has been charged.",
            EmailKind.OUT_OF_STOCK,
                    "your order ord-7 could not be filled, as some items are not available (marked below)",
            EmailKind.PAYMENT_FAILED, "the payment for your order ord-7 did not go through: the card was declined.",
            EmailKind.ORDER_EXPIRED, "your order ord-7 has expired",
            EmailKind.ORDER_COMPLETED, "thank you: your order ord-7 is complete; €117.90 has been charged.");

    private static final Map<OrderStatus, String> STATUS = Map.of(
            OrderStatus.PENDING, "Received, being processed",
            OrderStatus.REJECTED_FRAUD, "Not accepted",
            OrderStatus.REJECTED_OUT_OF_STOCK, "Not filled: items not available",
            OrderStatus.PAYMENT_DECLINED, "Cancelled: payment not accepted",
            OrderStatus.EXPIRED, "Expired",
            OrderStatus.COMPLETED, "Complete");

    @ParameterizedTest
    @EnumSource(EmailKind.class)
    void theTextItemisesTheOrderWithItsStatusTotalCurrencyAndLink(final EmailKind kind) {
        final MailTemplates.Rendered words =
                templates.render(SampleEmails.of(kind, "ord-7", "Ann", "ann@example.com"), false);

        final String note = kind == EmailKind.OUT_OF_STOCK ? " (not available in this quantity)" : "";
        assertThat(words.text())
                .startsWith("Hello Ann,\n\n")
                .contains(SAYS.get(kind))
                .contains("Order:  ord-7\nStatus: " + STATUS.get(SampleEmails.status(kind)) + "\n\n"
                        + "- Kafka: The Definitive Guide (book-kafka): 2 x €49.00 = €98.00" + note + "\n"
                        + "- Streams in Depth (e-book) (ebook-streams): 1 x €19.90 = €19.90\n"
                        + "Total (EUR): €117.90\n\n"
                        + "View your order: https://shop.example.com/orders/ord-7\n")
                .endsWith("Purchase Pipeline\n")
                .doesNotContain("{{", "\n\n\n");
    }

    @ParameterizedTest
    @EnumSource(EmailKind.class)
    void theHtmlSaysWhatTheTextSays(final EmailKind kind) {
        final MailTemplates.Rendered words =
                templates.render(SampleEmails.of(kind, "ord-7", "Ann", "ann@example.com"), false);

        final String html = visible(words.html());
        assertThat(words.html())
                .startsWith("<!DOCTYPE html>")
                .contains("<title>" + words.subject() + "</title>")
                .contains("<a data-role=\"link\" href=\"https://shop.example.com/orders/ord-7\"");
        assertThat(html)
                .contains("Hello Ann,")
                .contains(SAYS.get(kind))
                .contains("Order ord-7 · Status: " + STATUS.get(SampleEmails.status(kind)))
                .contains("Kafka: The Definitive Guide (book-kafka)"
                        + (kind == EmailKind.OUT_OF_STOCK ? " not available in this quantity" : "")
                        + " 2 €49.00 €98.00")
                .contains("Streams in Depth (e-book) (ebook-streams) 1 €19.90 €19.90")
                .contains("Total (EUR) €117.90")
                .contains("View your order");
    }

    @Test
    void everySubjectNamesTheOrder() {
        for (final EmailKind kind : EmailKind.values()) {
            assertThat(templates
                            .render(SampleEmails.of(kind, "ord-7", "Ann", "a@example.com"), false)
                            .subject())
                    .as("subject of %s", kind)
                    .contains("ord-7")
                    .doesNotContain("{{");
        }
    }

    @Test
    void customersAndProductsNamesAreEscapedInHtmlAndKeptAsTheyAreInText() {
        for (final EmailKind kind : EmailKind.values()) {
            final MailTemplates.Rendered words = templates.render(
                    SampleEmails.of(kind, "ord-7", HOSTILE_CUSTOMER, "a@example.com", HOSTILE_PRODUCT, "EUR"), false);

            assertThat(words.text())
                    .contains("Hello " + HOSTILE_CUSTOMER + ",")
                    .contains("- " + HOSTILE_PRODUCT + " (book-kafka)");
            assertThat(words.html())
                    .as("HTML of %s", kind)
                    .doesNotContain("<script", "<img", "\"Co\"")
                    .contains("Hello &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;,")
                    .contains("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; Kafka &amp; Co");
        }
    }

    @Test
    void anOrderIdIsOnePathSegmentOfTheLinkAndEscapedInTheAttribute() {
        final MailTemplates ampersand = new MailTemplates(URI.create("https://shop.example.com/a&b/"));
        final EmailRequest email = SampleEmails.of(EmailKind.ORDER_RECEIVED, "../x y/\"z\"", "Ann", "a@example.com");

        final MailTemplates.Rendered words = templates.render(email, false);

        assertThat(words.text()).contains("View your order: https://shop.example.com/orders/..%2Fx%20y%2F%22z%22\n");
        assertThat(words.html()).contains("href=\"https://shop.example.com/orders/..%2Fx%20y%2F%22z%22\"");
        assertThat(ampersand.render(email, false).html())
                .contains("href=\"https://shop.example.com/a&amp;b/orders/..%2Fx");
    }

    @Test
    void withoutAPublicUrlNoEmailLinksAnywhere() {
        final MailTemplates unlinked = new MailTemplates();
        for (final EmailKind kind : EmailKind.values()) {
            final MailTemplates.Rendered words =
                    unlinked.render(SampleEmails.of(kind, "ord-7", "Ann", "a@example.com"), false);

            assertThat(words.text()).doesNotContain("View your order", "http");
            assertThat(words.html()).doesNotContain("View your order", "<a ");
        }
    }

    @Test
    void amountsAreWrittenInTheShopsCurrencyWithItsOwnDecimals() {
        final EmailRequest yen =
                SampleEmails.of(EmailKind.ORDER_COMPLETED, "ord-7", "Ann", "a@example.com", SampleEmails.BOOK, "JPY");

        assertThat(templates.render(yen, false).text())
                .contains("2 x ¥49 = ¥98\n")
                .contains("Total (JPY): ¥118\n");
        assertThat(new Money("USD", Locale.ENGLISH).format(new BigDecimal("1234.5")))
                .isEqualTo("$1,234.50");
        assertThat(new Money("EUR", Locale.ENGLISH).format(new BigDecimal("0.005")))
                .isEqualTo("€0.01");
        assertThat(new Money("BHD", Locale.ENGLISH).format(new BigDecimal("2"))).isEqualTo("BHD2.000");
    }

    @Test
    void aLineWithoutPriceAndAnUnknownTotalAreShownAsNotKnown() {
        final EmailRequest unpriced = new EmailRequest(
                "ord-7/order_received",
                EmailKind.ORDER_RECEIVED,
                "ord-7",
                "c",
                "Ann",
                "a@example.com",
                OrderStatus.PENDING,
                List.of(new EmailLine("mystery", null, 1, null, null)),
                null,
                "EUR",
                List.of(),
                null,
                List.of());

        assertThat(templates.render(unpriced, false).text())
                .contains("- mystery (mystery): 1 x – = –\nTotal (EUR): –\n");
    }

    @Test
    void anEmailWithoutLinesOrStatusStillReads() {
        final EmailRequest bare =
                new EmailRequest("ord-7/order_expired", EmailKind.ORDER_EXPIRED, "ord-7", "c", null, "a@example.com");

        final MailTemplates.Rendered words = new MailTemplates().render(bare, false);

        assertThat(words.text())
                .startsWith("Hello c,\n\nyour order ord-7 has expired")
                .doesNotContain("Total", "- ");
        assertThat(words.html()).doesNotContain("<table");
    }

    /** The HTML's text without its tags and with its entities read, whitespace folded, as a rough reader would. */
    private static String visible(final String html) {
        return html.replaceAll("(?s)<head>.*</head>", " ")
                .replaceAll("</?(strong|span|a)\\b[^>]*>", "")
                .replaceAll("<[^>]+>", " ")
                .replace("&middot;", "·")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
                .replaceAll("\\s+", " ");
    }
}
