package io.purchasepipeline.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one jar's entry point: {@code run} (the default) and the other commands. */
@Command(
        name = "purchase-pipeline",
        mixinStandardHelpOptions = true,
        description = "An e-commerce purchase pipeline as one Kafka Streams application.",
        subcommands = {
            RunCommand.class,
            ClusterCommand.class,
            BrokerCommand.class,
            LoadCommand.class,
            VerifyCommand.class,
            WorkerCommand.class,
            LogCommand.class
        })
public final class Main implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args) {
        final String[] effective = args.length == 0 ? new String[] {"run"} : args;
        System.exit(new CommandLine(new Main())
                .setExecutionExceptionHandler((exception, commandLine, parsed) -> {
                    // an operator gets the reason, not a stack trace; the log has the details
                    log.debug("Command failed", exception);
                    commandLine.getErr().println("purchase-pipeline: " + exception.getMessage());
                    return 1;
                })
                .execute(effective));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
