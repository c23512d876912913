package io.purchasepipeline.system;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven through its own ChromeDriver, headless, with a profile of its own that
 * is deleted on close. Both programs are named explicitly (system properties {@code chromium.binary}
 * and {@code chromium.driver} move them), so Selenium never looks for or downloads a browser; a
 * machine without them fails the test with what to install, it does not skip it.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path BINARY = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("chromium.driver", "/usr/bin/chromedriver"));
    /** Selenium warns when it has no DevTools bindings for this Chromium's version; the tests use none. */
    private static final java.util.logging.Logger CDP_VERSIONS =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSIONS.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Path profile;
    private final ChromeDriver driver;

    private HeadlessChromium(final Path profile, final ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    /** @throws IllegalStateException naming what to install when Chromium or its driver is missing */
    public static HeadlessChromium start(final int width, final int height) throws IOException {
        return start(BINARY, DRIVER, width, height);
    }

    static HeadlessChromium start(final Path binary, final Path driver, final int width, final int height)
            throws IOException {
        for (final Path program : new Path[] {binary, driver}) {
            if (!Files.isExecutable(program)) {
                throw new IllegalStateException(
                        program + " is missing: the browser tests need Debian's Chromium and its "
                                + "driver (apt-get install chromium chromium-driver, as .ci/run does)");
            }
        }
        final Path profile = Files.createTempDirectory("chromium-profile");
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height);
        // what the page logs, for the tests that check it loads without errors
        options.setCapability(
                "goog:loggingPrefs", java.util.Map.of(org.openqa.selenium.logging.LogType.BROWSER, "ALL"));
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .build();
        return new HeadlessChromium(profile, new ChromeDriver(service, options));
    }

    public ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
