package io.purchasepipeline.system;

import io.purchasepipeline.cli.Main;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The command line as a user runs it: {@link Main} in a JVM of its own, with the application's
 * production logging (not the tests'), its standard output and error together in one file, in a
 * process group of its own, so that a test can signal the whole group as a terminal's Ctrl-C does.
 */
final class CliProcess implements AutoCloseable {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Process process;
    private final Path output;

    private CliProcess(final Process process, final Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code args} (e.g. {@code run --data-dir ...}) in {@code dir}; returns at once. */
    static CliProcess start(final Path dir, final List<String> args) throws IOException {
        Files.createDirectories(dir);
        final Path output = Files.createTempFile(dir, "output-", ".log");
        final List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-Dlog4j2.configurationFile=" + Objects.requireNonNull(Main.class.getResource("/log4j2.properties")),
                "-cp",
                classpath(),
                Main.class.getName()));
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // only what the test gives: not this machine's Kafka or ports
        builder.environment().keySet().removeAll(List.of("KAFKA_BOOTSTRAP_SERVERS", "HTTP_PORT", "DATA_DIR"));
        return new CliProcess(builder.start(), output);
    }

    /** Waits for the process to end. @return its exit code */
    int awaitExit(final Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout.toSeconds() + " s; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** Waits until the output holds {@code text}. */
    void awaitOutput(final String text, final Duration timeout) throws InterruptedException, IOException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "exited with " + process.exitValue() + " before printing '" + text + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' within " + timeout.toSeconds() + " s:\n" + output());
            }
            Thread.sleep(200);
        }
    }

    /** SIGTERM to every process of its group at once, as a terminal's Ctrl-C or a supervisor's stop sends. */
    void signalGroup() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-TERM", "--", "-" + process.pid())
                .inheritIO()
                .start()
                .waitFor();
    }

    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    List<String> lines() throws IOException {
        return output().lines().toList();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
