package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Open routes are a warning where other machines reach them, and the local default on loopback. */
class OpenRoutesLevelTest {

    @Test
    void onlyTheLoopbackAddressIsQuiet() {
        assertThat(HttpApi.openRoutesLevel("127.0.0.1")).isEqualTo(Level.DEBUG);
        assertThat(HttpApi.openRoutesLevel("localhost")).isEqualTo(Level.DEBUG);
        assertThat(HttpApi.openRoutesLevel("::1")).isEqualTo(Level.DEBUG);
        assertThat(HttpApi.openRoutesLevel("0.0.0.0")).isEqualTo(Level.WARN);
        assertThat(HttpApi.openRoutesLevel("::")).isEqualTo(Level.WARN);
        assertThat(HttpApi.openRoutesLevel("no-such-host.invalid")).isEqualTo(Level.WARN);
    }
}
