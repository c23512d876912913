package io.purchasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.runtime.TopicProvisioner;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogCommandTest {

    @Test
    void hearsThePipelinesPublicAndInternalTopicsAndNoOther() {
        final Pattern topics = Pattern.compile(LogCommand.defaultTopics());

        assertThat(TopicProvisioner.topicNames())
                .isNotEmpty()
                .allMatch(topic -> topics.matcher(topic).matches());
        assertThat(topics.matcher("purchase-pipeline-order-status-changelog").matches())
                .isTrue();
        assertThat(topics.matcher("purchase-pipeline-analytics-counts-repartition")
                        .matches())
                .isTrue();
        assertThat(topics.matcher("__consumer_offsets").matches()).isFalse();
        assertThat(topics.matcher("orders-archive").matches()).isFalse();
        assertThat(topics.matcher("another-app-orders-changelog").matches()).isFalse();
    }

    @Test
    void aKafkaThatDoesNotAnswerIsOneClearLineAndExitOne() {
        final CliUnderTest cli = new CliUnderTest();

        final int exit = cli.execute("log", "--bootstrap-servers", "127.0.0.1:1", "--from-beginning");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err())
                .isEqualTo("purchase-pipeline: Kafka at 127.0.0.1:1 did not answer within 20 s: is it running "
                        + "there? (--bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS)" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aTopicPatternThatIsNoRegexIsAUsageErrorBeforeKafkaIsAsked() {
        final CliUnderTest cli = new CliUnderTest();

        final int exit =
                cli.execute("log", "--bootstrap-servers", "127.0.0.1:1", "--from-beginning", "--topics", "orders(");

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err()).startsWith("--topics is not a regular expression: Unclosed group");
    }
}
