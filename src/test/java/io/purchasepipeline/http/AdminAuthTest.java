package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdminAuthTest {

    private static final String TOKEN = "op-7f3a9c1e-token";

    @Test
    void withoutATokenTheRoutesAreOpen() {
        assertThat(AdminAuth.of(null).required()).isFalse();
        assertThat(AdminAuth.of("  ").required()).isFalse();
        assertThatCode(() -> AdminAuth.open().check(null)).doesNotThrowAnyException();
    }

    @Test
    void letsTheRightBearerTokenThrough() {
        final AdminAuth auth = AdminAuth.of(TOKEN);

        assertThat(auth.required()).isTrue();
        assertThatCode(() -> auth.check("Bearer " + TOKEN)).doesNotThrowAnyException();
        assertThatCode(() -> auth.check("bearer " + TOKEN))
                .as("the scheme is case-insensitive")
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAMissingOrWrongTokenWith401() {
        final AdminAuth auth = AdminAuth.of(TOKEN);

        for (final String header : new String[] {
            null,
            "",
            "Bearer",
            "Bearer ",
            "Basic " + TOKEN,
            TOKEN,
            "Bearer " + TOKEN + "x",
            "Bearer " + TOKEN.substring(1),
            "Bearer " + TOKEN.toUpperCase(java.util.Locale.ROOT)
        }) {
            assertThatThrownBy(() -> auth.check(header))
                    .as("Authorization: %s", header)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.getMessage()).isEqualTo("unauthorized");
                        assertThat(String.join(" ", e.details())).doesNotContain(TOKEN);
                    });
        }
    }

    @Test
    void neverShowsTheToken() {
        assertThat(AdminAuth.of(TOKEN).toString()).doesNotContain(TOKEN);
    }
}
