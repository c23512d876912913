package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HeadlessChromiumTest {

    @Test
    void aMachineWithoutChromiumFailsTheBrowserTestsSayingWhatToInstall() {
        assertThatThrownBy(() -> HeadlessChromium.start(
                        Path.of("/nonexistent/chromium"), Path.of("/usr/bin/chromedriver"), 800, 600))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("/nonexistent/chromium is missing: the browser tests need Debian's Chromium and its driver "
                        + "(apt-get install chromium chromium-driver, as .ci/run does)");
    }
}
