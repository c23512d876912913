package io.purchasepipeline.app.load;

import io.purchasepipeline.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The CLI run in-process as {@code Main} runs it, with what it printed kept for assertions. */
final class LoadCli {

    private final CommandLine commandLine = new CommandLine(new Main());
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    LoadCli() {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        // as Main: the reason in one line, no stack trace
        commandLine.setExecutionExceptionHandler((exception, failed, parsed) -> {
            failed.getErr().println("purchase-pipeline: " + exception.getMessage());
            return 1;
        });
    }

    int execute(final String... args) {
        return commandLine.execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
