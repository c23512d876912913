package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --otlp-endpoint} on {@code run} and {@code worker}: a URL that is none is refused before anything starts. */
class TracingOptionsTest {

    private final CliUnderTest cli = new CliUnderTest();

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "run --otlp-endpoint localhost:4318                                        | run",
                "worker payment --bootstrap-servers k:9092 --otlp-endpoint grpc://j:4317   | worker",
                "worker --otlp-endpoint jaeger ebook --bootstrap-servers k:9092            | worker",
                "worker mail --bootstrap-servers k:9092 --otlp-endpoint http://            | worker"
            })
    void refusesAnEndpointThatIsNoHttpUrl(final String options, final String usage) {
        final int exit = cli.execute(options.trim().split("\\s+"));

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err())
                .contains("--otlp-endpoint: an OTLP/HTTP endpoint is an http:// or https:// URL with a host")
                .contains("Usage: purchase-pipeline " + usage);
    }
}
