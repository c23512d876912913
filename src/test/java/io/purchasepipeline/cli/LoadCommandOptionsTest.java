package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.tools.kafka.LoopbackPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code load} says before it sends anything: bad options, and a Kafka that does not answer. */
class LoadCommandOptionsTest {

    private final CliUnderTest cli = new CliUnderTest();

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--orders 0                        | --orders must be at least 1",
                "--duration 0s                     | --duration must be longer than 0",
                "--rate -5                         | '-5' is not a rate",
                "--max-in-flight 0                 | --max-in-flight must be at least 1",
                "--hot-share 1.5                   | --hot-share is a share from 0 to 1",
                "--hot-share 0.9 --hot-skus 2000   | --hot-skus must be from 1 to --skus (1000)",
                "--seat-storm 0.1 --no-setup       | --seat-storm needs --setup",
                "--seat-storm 0.1 --storm-seats 0  | --storm-seats must be at least 1",
                "--max-lines 11                    | --max-lines must be from 1 to 10",
                "--digital-share -0.1              | --digital-share is a share from 0 to 1",
                "--customers 0                     | --customers must be at least 1",
                "--cards visa=1                    | 'visa=1' is not a card mix",
                "--timeout 0s                      | --timeout must be longer than 0",
                "--timeout soon                    | 'soon' is not a duration",
                "--clients 4                       | --clients needs --http",
                "--http http://127.0.0.1:1 --clients 0 | --clients must be at least 1",
                "--http ftp://127.0.0.1:1          | --http takes base URLs of instances, such as http://127.0.0.1:8080: not ftp://127.0.0.1:1",
                "--http localhost:8080             | --http takes base URLs of instances",
                "--http http://127.0.0.1:1 --orders-topic other | --orders-topic does not go with --http"
            })
    void refusesBadOptionsWithTheReason(final String options, final String reason) {
        final int exit = cli.execute(("load " + options).split(" "));

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err()).contains(reason).contains("Usage: purchase-pipeline load");
    }

    @Test
    void saysWhenKafkaDoesNotAnswer() throws Exception {
        final String nowhere = "127.0.0.1:" + LoopbackPorts.free(1).get(0);

        final int exit = cli.execute("load", "--bootstrap-servers", nowhere, "--timeout", "2s", "--no-progress");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("purchase-pipeline: Kafka at " + nowhere + " did not answer in time");
    }

    @Test
    void warnsWhenTooFewCustomersForTheRateWouldTripTheVelocityRule() throws Exception {
        final String nowhere = "127.0.0.1:" + LoopbackPorts.free(1).get(0);

        cli.execute("load", "--bootstrap-servers", nowhere, "--timeout", "1s", "--rate", "100", "--customers", "1000");

        // 1,000 customers, 5 orders a minute each: 83 orders/s at most
        assertThat(cli.err())
                .contains("Warning: 1,000 customers take turns; above 83 orders/s each places more than 5 "
                        + "orders in 60 s");
    }

    @Test
    void doesNotWarnWhenTheCustomersAreEnough() throws Exception {
        final String nowhere = "127.0.0.1:" + LoopbackPorts.free(1).get(0);

        cli.execute("load", "--bootstrap-servers", nowhere, "--timeout", "1s", "--rate", "80", "--customers", "1000");

        assertThat(cli.err()).doesNotContain("Warning");
    }
}
