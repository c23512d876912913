package io.purchasepipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The CLI run in-process as {@link Main} runs it, with what it printed kept for assertions. */
public final class CliUnderTest {

    private final CommandLine commandLine = new CommandLine(new Main());
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    public CliUnderTest() {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        // as Main: the reason in one line, no stack trace
        commandLine.setExecutionExceptionHandler((exception, failed, parsed) -> {
            failed.getErr().println("purchase-pipeline: " + exception.getMessage());
            return 1;
        });
    }

    public int execute(final String... args) {
        return commandLine.execute(args);
    }

    /** The object behind a subcommand, e.g. to stop a foreground command from the test. */
    public <T> T subcommand(final String name) {
        return commandLine.getSubcommands().get(name).getCommand();
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }
}
