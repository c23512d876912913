package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public URL the emails link to: an http(s) address the order's path can be added to, or none. */
class MailSettingsTest {

    private static final Path OUTBOX = Path.of("outbox");

    @Test
    void aPublicUrlIsKeptAndSaidInTheDescription() {
        final MailSettings settings = settings(" https://shop.example.com ");

        assertThat(settings.publicUrl()).isEqualTo(URI.create("https://shop.example.com"));
        assertThat(settings.describe()).endsWith(", linking to orders under https://shop.example.com");
    }

    @Test
    void noPublicUrlMeansNoLink() {
        assertThat(settings(null).publicUrl()).isNull();
        assertThat(settings("  ").publicUrl()).isNull();
        assertThat(settings(null).describe()).doesNotContain("linking");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "shop.example.com",
                "ftp://shop.example.com",
                "https://shop.example.com/?a=1",
                "https://shop.example.com/#top",
                "javascript:alert(1)",
                "https://exa mple.com"
            })
    void anythingElseIsRefusedInOneSentence(final String url) {
        assertThatThrownBy(() -> settings(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The public URL ")
                .hasMessageContaining(url)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static MailSettings settings(final String publicUrl) {
        return MailSettings.of(
                null, 587, null, null, "starttls", MailSettings.DEFAULT_FROM, OUTBOX, Duration.ofSeconds(5), publicUrl);
    }
}
