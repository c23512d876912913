package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.payment.PaymentSimulator;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.system.HeadlessChromium;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator page in a real headless Chromium, against two running instances sharing one real
 * broker: orders are placed through one instance's API while the page is open on the other, and
 * the page's numbers follow (orders ended, a SKU's stock, a held seat, the new order in the latest
 * list with its trail). The operator routes are guarded, so the page asks for the admin token once.
 */
class OperatorPageBrowserTest {

    private static final String TOKEN = "operator-page-admin-token-7f3a";
    private static final String SKU = "book-streams";
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static InJvmPipeline pipeline;
    private static HeadlessChromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        pipeline = InJvmPipeline.start(2, 4, AdminAuth.of(TOKEN));
        awaitStatus(1, "/products/" + SKU, 200);
        awaitStatus(0, "/api/v1/seats/concert-A3", 200);

        // not a skip: without a browser this test cannot say whether the page works (start says what to install)
        chromium = HeadlessChromium.start(1400, 1300);
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void followsOrdersPlacedThroughTheApiOnAnotherInstance() throws Exception {
        browser.get(pipeline.url(1) + "/");
        // the page redraws its panels at every poll: an element found may be gone by the time it is read
        final WebDriverWait wait = new WebDriverWait(browser, SETTLE, Duration.ofMillis(200));
        wait.ignoring(StaleElementReferenceException.class);

        // the latest orders need the admin token: asked once, kept for the tab's session
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-form")));
        browser.findElement(By.id("token-input")).sendKeys(TOKEN);
        browser.findElement(By.id("token-save")).click();
        wait.until(page -> "live".equals(page.findElement(By.id("status")).getDomAttribute("data-state")));
        wait.until(page -> number(stockCell(page, SKU, "available")) != null);
        final long availableBefore = wait.until(page -> number(stockCell(page, SKU, "available")));
        final long soldBefore = wait.until(page -> number(stockCell(page, SKU, "sold")));
        final long endedBefore = number(browser.findElement(By.id("ended-total")));
        wait.until(page -> !page.findElements(By.cssSelector(".seat[data-sku='concert-A3'][data-state='available']"))
                .isEmpty());

        final List<String> placed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            placed.add(placeOrder(0, "page-buyer-" + i, SKU, 2));
        }
        reserveSeat(0, "concert-A3", "page-seat-user");

        wait.until(page -> number(page.findElement(By.id("ended-total"))) >= endedBefore + 3);
        final long completed = wait.until(page -> number(page.findElement(By.id("ended-COMPLETED"))));
        assertThat(completed).isGreaterThanOrEqualTo(3);
        // held at once, sold once each order completes
        wait.until(page -> number(stockCell(page, SKU, "available")) == availableBefore - 6
                && number(stockCell(page, SKU, "sold")) == soldBefore + 6
                && number(stockCell(page, SKU, "held")) == 0);
        wait.until(page -> !page.findElements(By.cssSelector(".seat[data-sku='concert-A3'][data-state='held']"))
                .isEmpty());
        // the analytics panel shows the open window as /analytics answers it; the orders may straddle two windows
        wait.until(page -> {
            final JsonNode analytics = json(get(1, "/analytics"));
            final long open = analytics.path("current").path("orders").asLong(0);
            return open + analytics.path("lastClosed").path("orders").asLong(0) >= 3
                    && Long.valueOf(open).equals(number(page.findElement(By.id("window-orders"))));
        });

        final String last = placed.get(placed.size() - 1);
        final By latest = By.cssSelector("#orders li[data-order-id='" + last + "']");
        wait.until(page -> "COMPLETED".equals(page.findElement(latest).getDomAttribute("data-status")));
        wait.until(page -> {
            page.findElement(latest).click();
            return true;
        });
        wait.until(ExpectedConditions.textToBe(By.id("trail-order"), last));
        final List<String> trail = wait.until(page -> {
            final List<String> statuses = statuses(page);
            return statuses.contains("COMPLETED") ? statuses : null;
        });
        assertThat(trail).startsWith("RESERVING").endsWith("COMPLETED");
        assertThat(browser.getCurrentUrl())
                .as("the open trail can be linked to")
                .endsWith("#order=" + last);

        // the token is kept, and the link opens the trail: a reload asks for nothing and shows the same
        browser.navigate().refresh();
        wait.until(page -> !page.findElements(By.cssSelector("#orders li[data-order-id='" + last + "']"))
                .isEmpty());
        wait.until(ExpectedConditions.textToBe(By.id("trail-order"), last));
        assertThat(browser.findElement(By.id("token-form")).isDisplayed()).isFalse();

        Files.write(
                Path.of("target", "operator-page-test.png"), chromium.driver().getScreenshotAs(OutputType.BYTES));
        final List<String> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(message -> message.contains("Content Security Policy") || message.contains("Uncaught"))
                .toList();
        assertThat(problems).as("the page's console").isEmpty();
    }

    private static WebElement stockCell(final WebDriver page, final String sku, final String column) {
        return page.findElement(By.cssSelector("#products tr[data-sku='" + sku + "'] td." + column));
    }

    private static List<String> statuses(final WebDriver page) {
        return page.findElements(By.cssSelector("#trail-events .badge")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** The number an element shows; null when it shows none yet. */
    private static Long number(final WebElement element) {
        try {
            // the page groups thousands with thin spaces
            return Long.parseLong(element.getText().replaceAll("[\\s\u2009]", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String placeOrder(final int instance, final String customer, final String sku, final int quantity)
            throws IOException, InterruptedException {
        final String body =
                "{\"customerId\":\"" + customer + "\",\"customerName\":\"Page Buyer\",\"email\":\"" + customer
                        + "@example.com\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}],"
                        + "\"payment\":{\"card\":\"" + PaymentSimulator.APPROVED_CARD + "\"}}";
        final HttpResponse<String> placed = HTTP.send(
                HttpRequest.newBuilder(URI.create(pipeline.url(instance) + "/orders"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        return json(placed.body()).get("orderId").asText();
    }

    private static void reserveSeat(final int instance, final String seat, final String user)
            throws IOException, InterruptedException {
        final HttpRequest reserve = HttpRequest.newBuilder(
                        URI.create(pipeline.url(instance) + "/api/v1/seats/" + seat + "/reservations?user=" + user))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        // a busy machine may answer 503 (no answer from the seat's owner in time); the same user asking again is 201
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        HttpResponse<String> reserved = HTTP.send(reserve, HttpResponse.BodyHandlers.ofString());
        while (reserved.statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            reserved = HTTP.send(reserve, HttpResponse.BodyHandlers.ofString());
        }
        assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    }

    private static String get(final int instance, final String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(pipeline.url(instance) + path))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitStatus(final int instance, final String path, final int status) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = HTTP.send(
                            HttpRequest.newBuilder(URI.create(pipeline.url(instance) + path))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " on instance " + instance + " answered " + last + ", not " + status);
    }

    private static JsonNode json(final String body) {
        try {
            return JsonSerde.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
