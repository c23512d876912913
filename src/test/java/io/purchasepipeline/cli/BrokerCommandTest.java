package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.tools.kafka.LocalCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `broker --node-id N` refuses, in one line; its restart of a killed node is in ClusterCommandTest. */
class BrokerCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void refusesWhenThereIsNoClusterAndCreatesNone() {
        final CliUnderTest cli = new CliUnderTest();

        final int exitCode = cli.execute("broker", "--node-id", "1", "--data-dir", dataDir.toString(), "--detach");

        assertThat(exitCode).isEqualTo(1);
        assertThat(cli.err())
                .isEqualTo("purchase-pipeline: no Kafka cluster in " + dataDir.resolve("cluster")
                        + ": create one with the cluster command first" + System.lineSeparator());
        assertThat(dataDir.resolve("cluster")).doesNotExist();
    }

    @Test
    void refusesANodeIdOutsideTheClusterWithoutStartingAnything() throws Exception {
        // created with ports nobody uses, never started
        LocalCluster.builder(dataDir.resolve("cluster"))
                .brokers(3)
                .ports(List.of(1, 2, 3), List.of(4, 5, 6))
                .open();

        for (final String nodeId : List.of("4", "0")) {
            final CliUnderTest cli = new CliUnderTest();

            final int exitCode =
                    cli.execute("broker", "--node-id", nodeId, "--data-dir", dataDir.toString(), "--detach");

            assertThat(exitCode).isEqualTo(1);
            assertThat(cli.err())
                    .isEqualTo("purchase-pipeline: no node " + nodeId + " in the Kafka cluster in "
                            + dataDir.resolve("cluster") + ": its nodes are 1..3" + System.lineSeparator());
        }
        assertThat(dataDir.resolve("cluster").resolve("broker-1")).doesNotExist();
    }

    @Test
    void needsANodeId() {
        final CliUnderTest cli = new CliUnderTest();

        assertThat(cli.execute("broker", "--data-dir", dataDir.toString())).isEqualTo(2);
        assertThat(cli.err()).startsWith("Missing required option: '--node-id=<nodeId>'");
    }
}
