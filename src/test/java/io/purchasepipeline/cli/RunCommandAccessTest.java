package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}'s access options are read and checked before anything starts: a mistake stops it at once, saying why. */
class RunCommandAccessTest {

    @TempDir
    Path dir;

    @Test
    void aKeySetAndAPublicKeyTogetherAreRefused() throws Exception {
        final CliUnderTest cli = new CliUnderTest();

        assertThat(cli.execute(
                        "run",
                        "--data-dir",
                        dir.toString(),
                        "--auth-jwks",
                        write("keys.json", "{\"keys\":[]}").toString(),
                        "--auth-public-key",
                        write("key.pem", "").toString()))
                .isEqualTo(2);
        assertThat(cli.err())
                .contains("--auth-jwks and --auth-public-key (AUTH_JWKS, AUTH_PUBLIC_KEY) are alternatives");
    }

    @Test
    void aMissingOrUnusableKeyFileIsRefusedWithItsReason() throws Exception {
        final CliUnderTest missing = new CliUnderTest();
        assertThat(missing.execute(
                        "run",
                        "--data-dir",
                        dir.toString(),
                        "--auth-jwks",
                        dir.resolve("none.json").toString()))
                .isEqualTo(1);
        assertThat(missing.err()).contains("cannot read the key set").contains("none.json");

        final CliUnderTest notJson = new CliUnderTest();
        assertThat(notJson.execute(
                        "run",
                        "--data-dir",
                        dir.toString(),
                        "--auth-jwks",
                        write("bad.json", "keys?").toString()))
                .isEqualTo(1);
        assertThat(notJson.err()).contains("is not a JSON Web Key Set");

        final CliUnderTest secretsOnly = new CliUnderTest();
        assertThat(secretsOnly.execute(
                        "run",
                        "--data-dir",
                        dir.toString(),
                        "--auth-jwks",
                        write(
                                        "oct.json",
                                        "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}")
                                .toString()))
                .isEqualTo(2);
        assertThat(secretsOnly.err()).contains("no RSA or EC key");

        final CliUnderTest notPem = new CliUnderTest();
        assertThat(notPem.execute(
                        "run",
                        "--data-dir",
                        dir.toString(),
                        "--auth-public-key",
                        write("k.pem", "ssh-rsa AAAA").toString()))
                .isEqualTo(1);
        assertThat(notPem.err()).contains("holds no -----BEGIN PUBLIC KEY----- block");
    }

    @Test
    void aNegativeRateIsRefused() {
        final CliUnderTest cli = new CliUnderTest();

        assertThat(cli.execute("run", "--data-dir", dir.toString(), "--rate-limit", "-1"))
                .isEqualTo(2);
        assertThat(cli.err()).contains("--rate-limit and --rate-burst: 0 or more");
    }

    private Path write(final String name, final String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
