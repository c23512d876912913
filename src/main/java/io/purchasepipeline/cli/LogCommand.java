package io.purchasepipeline.cli;

import io.purchasepipeline.runtime.StreamsSettings;
import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.tools.log.LogFilter;
import io.purchasepipeline.tools.log.PipelineLogReader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code log}: the pipeline's log service. It hears every pipeline topic, public and internal, and
 * prints one line per record, in time order: time, topic, key, correlation id and a short summary of
 * the value. {@code --order} and {@code --correlation-id} follow one order, or one request, across
 * every topic.
 */
@Command(
        name = "log",
        mixinStandardHelpOptions = true,
        description = {
            "Prints one line per record of every pipeline topic: time, topic[partition]@offset, key, "
                    + "correlation id, and a short summary of the value, in time order.",
            "Without --from-beginning it starts now and follows (there is nothing before now to print). "
                    + "With --from-beginning it prints what the topics hold, up to their ends as they were when it "
                    + "started, and exits; add --follow to go on listening until stopped (Ctrl-C).",
            "Kafka: --bootstrap-servers, else KAFKA_BOOTSTRAP_SERVERS, else the embedded broker at 127.0.0.1:9092."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:caught up, or stopped while following",
            "1:Kafka could not be read, or no topic matches",
            "2:an option is wrong"
        })
public final class LogCommand implements Callable<Integer> {

    /** Where {@code run} puts its embedded broker by default. */
    static final String EMBEDDED_DEFAULT = "127.0.0.1:9092";

    @Spec
    private CommandSpec spec;

    @Mixin
    private KafkaOptions kafka;

    @Option(
            names = "--order",
            paramLabel = "ID",
            description = "Only the records of this order, on every topic: its id in the record's key or value")
    private String orderId;

    @Option(
            names = "--correlation-id",
            paramLabel = "ID",
            description =
                    "Only the records of this request: its correlation-id header (X-Correlation-Id of the HTTP request)")
    private String correlationId;

    @Option(names = "--from-beginning", description = "Start at the oldest record each topic holds (default: now)")
    private boolean fromBeginning;

    @Option(
            names = "--follow",
            description = "Go on listening once caught up, until stopped (default: with "
                    + "--from-beginning, exit once caught up; without it, follow)")
    private boolean follow;

    @Option(
            names = "--topics",
            paramLabel = "REGEX",
            description =
                    "The topics to hear (default: the pipeline's public " + "and internal topics, ${DEFAULT-VALUE})")
    private String topics = defaultTopics();

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile PipelineLogReader running;

    @Override
    public Integer call() throws Exception {
        final Pattern pattern;
        try {
            pattern = Pattern.compile(topics);
        } catch (PatternSyntaxException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--topics is not a regular expression: " + e.getDescription());
        }
        final boolean following = follow || !fromBeginning;
        final PrintWriter out = spec.commandLine().getOut();
        try (PipelineLogReader reader = new PipelineLogReader(
                kafka.clientProps(EMBEDDED_DEFAULT),
                pattern,
                fromBeginning,
                following,
                new LogFilter(orderId, correlationId))) {
            running = reader;
            final Thread hook = new Thread(
                    () -> {
                        stop();
                        try {
                            awaitStopped(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "log-shutdown");
            if (following) {
                Runtime.getRuntime().addShutdownHook(hook);
            }
            try {
                if (stopRequested.getCount() == 0) {
                    return 0;
                }
                reader.run(
                        entry -> {
                            out.println(entry.line());
                            out.flush();
                        },
                        partitions -> {
                            if (following) {
                                final PrintWriter err = spec.commandLine().getErr();
                                err.printf(
                                        "log: caught up on %d partitions of %s; following until stopped (Ctrl-C)%n",
                                        partitions,
                                        kafka.bootstrapServers() != null ? kafka.bootstrapServers() : EMBEDDED_DEFAULT);
                                err.flush();
                            }
                        });
            } finally {
                running = null;
                if (following) {
                    removeHook(hook);
                }
            }
        }
        return 0;
    }

    /** Ends a following log, as Ctrl-C does: what it has read still goes out. */
    public void stop() {
        stopRequested.countDown();
        final PipelineLogReader reader = running;
        if (reader != null) {
            reader.stop();
        }
    }

    /** Every topic the pipeline provisions, and the ones Kafka Streams makes for it (prefixed by its application id). */
    static String defaultTopics() {
        // topic names are letters and hyphens: nothing to quote
        return TopicProvisioner.topicNames().stream().collect(Collectors.joining("|", "(", ")")) + "|"
                + StreamsSettings.APPLICATION_ID + "-.+";
    }

    private static void removeHook(final Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is stopping: the hook has run
        }
    }

    /** Waits until a log that was told to {@link #stop()} has printed what it had and let go of Kafka. */
    boolean awaitStopped(final long timeout, final TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (running != null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return running == null;
    }
}
