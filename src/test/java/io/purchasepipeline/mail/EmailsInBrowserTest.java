package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.EmailKind;
import io.purchasepipeline.system.HeadlessChromium;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Every kind of email's HTML as a reader sees it in a real browser (headless Chromium): the lines
 * with quantity, unit price and amount, the total in the shop's currency, the status, the link to
 * the order; hostile names shown as text, never run. A screenshot of each kind is kept in
 * {@code target/emails}; with {@code -Ddocs.update=true} it replaces the one in {@code docs/emails}.
 */
class EmailsInBrowserTest {

    private static final Path SCREENSHOTS =
            Boolean.getBoolean("docs.update") ? Path.of("docs", "emails") : Path.of("target", "emails");
    private static final String SHOP = "https://shop.example.com";
    private static final String ORDER = "3f9c2a7e-51d0-4e44-9a0b-1c5e2d7f8a61-4c1d";

    private static final Map<EmailKind, String> STATUS = Map.of(
            EmailKind.ORDER_RECEIVED, "Received, being processed",
            EmailKind.SECURITY_NOTICE, "Not accepted",
            EmailKind.OUT_OF_STOCK, "Not filled: items not available",
            EmailKind.PAYMENT_FAILED, "Cancelled: payment not accepted",
            EmailKind.ORDER_EXPIRED, "Expired",
            EmailKind.ORDER_COMPLETED, "Complete");

    private static HeadlessChromium chromium;
    private static ChromeDriver browser;
    private final MailTemplates templates = new MailTemplates(URI.create(SHOP));

    @TempDir
    Path pages;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = HeadlessChromium.start(720, 900);
        browser = chromium.driver();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    @ParameterizedTest
    @EnumSource(EmailKind.class)
    void aReaderSeesTheLinesTheTotalInTheShopsCurrencyTheStatusAndTheLink(final EmailKind kind) throws Exception {
        // a completion email carries its e-books: the e-book delivery
        final boolean ebooks = kind == EmailKind.ORDER_COMPLETED;
        open(templates.render(SampleEmails.of(kind, ORDER, "Ann Example", "ann@example.com"), ebooks), kind.name());

        final List<WebElement> lines = browser.findElements(By.cssSelector("[data-role=line]"));
        assertThat(lines)
                .extracting(line -> cells(line))
                .containsExactly(
                        List.of(
                                SampleEmails.BOOK + " (book-kafka)"
                                        + (kind == EmailKind.OUT_OF_STOCK ? "\nnot available in this quantity" : ""),
                                "2",
                                "€49.00",
                                "€98.00"),
                        List.of(SampleEmails.EBOOK + " (ebook-streams)", "1", "€19.90", "€19.90"));
        assertThat(browser.findElement(By.cssSelector("[data-role=total]")).getText())
                .isEqualTo("Total (EUR) €117.90");
        assertThat(browser.findElement(By.cssSelector("[data-role=status]")).getText())
                .isEqualTo(STATUS.get(kind));
        final WebElement link = browser.findElement(By.cssSelector("[data-role=link]"));
        assertThat(link.getText()).isEqualTo("View your order");
        assertThat(link.getAttribute("href")).isEqualTo(SHOP + "/orders/" + ORDER);
        assertThat(link.isDisplayed()).isTrue();
        assertThat(browser.findElement(By.tagName("body")).getText())
                .startsWith("Hello Ann Example,")
                .contains("Order " + ORDER + " · Status: ");
        assertThat(browser.findElements(By.cssSelector("[data-role=ebooks] + ul li")))
                .extracting(WebElement::getText)
                .isEqualTo(ebooks ? List.of(SampleEmails.EBOOK) : List.of());
        if (ebooks) {
            assertThat(browser.findElement(By.cssSelector("[data-role=ebooks]")).getText())
                    .isEqualTo("Your e-books are attached to this email:");
        }

        screenshot(kind.name().toLowerCase(Locale.ROOT));
    }

    @Test
    void hostileNamesAreShownAsTheyWereTypedAndNothingInThemRuns() throws Exception {
        final String customer = "<script>document.title='pwned'</script>Mallory & \"Co\"";
        final String product = "<img src=x onerror=\"document.title='pwned'\">Kafka & Co";
        open(
                templates.render(
                        SampleEmails.of(EmailKind.ORDER_COMPLETED, ORDER, customer, "m@example.com", product, "EUR"),
                        false),
                "hostile");

        assertThat(browser.getTitle()).isEqualTo("Your order " + ORDER + " is complete");
        assertThat(browser.findElement(By.tagName("body")).getText()).startsWith("Hello " + customer + ",");
        assertThat(cells(browser.findElements(By.cssSelector("[data-role=line]"))
                                .get(0))
                        .get(0))
                .isEqualTo(product + " (book-kafka)");
        assertThat(browser.findElements(By.tagName("script"))).isEmpty();
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();
    }

    private void open(final MailTemplates.Rendered words, final String name) throws Exception {
        final Path page = pages.resolve(name + ".html");
        Files.writeString(page, words.html(), StandardCharsets.UTF_8);
        browser.manage().window().setSize(new Dimension(720, 900));
        browser.get(page.toUri().toString());
    }

    private static List<String> cells(final WebElement row) {
        return row.findElements(By.tagName("td")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** The whole email: the window is made as tall as the page first. */
    private static void screenshot(final String name) throws Exception {
        final long height = (Long) browser.executeScript("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(720, (int) height));
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
