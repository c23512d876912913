package io.purchasepipeline.tools.kafka;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Command lines for Kafka's own main classes run in a new JVM built from this JVM.
 *
 * <p>The broker jars are already on the application's classpath (they ship with it), so the child
 * reuses that classpath and the same Java installation: nothing to download, and the broker always
 * matches the client library the application was built with.
 */
final class ChildJvm {

    /**
     * Starts the child in a session of its own (util-linux, on every Linux this runs on). A terminal's
     * Ctrl-C, and a supervisor's signal to the process group, go to every process of the group at
     * once: a broker in the application's group would stop while the application's clients still
     * use it, and each of them would warn. On its own, the child stops when its parent stops it,
     * after those clients are closed, or by itself when the parent is gone ({@link ParentWatch}).
     * {@code setsid} replaces itself with the child: the pid is the child's.
     */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private ChildJvm() {}

    /**
     * A {@code java} command running {@code mainClass} with {@code args}.
     *
     * @param maxHeap     the child's {@code -Xmx}, e.g. {@code 512m}
     * @param log4jConfig the log4j2 configuration file of the child
     * @param logDir      the child's log directory, exposed to that configuration as {@code kafka.logs.dir}
     */
    static List<String> command(
            final String maxHeap,
            final Path log4jConfig,
            final Path logDir,
            final String mainClass,
            final List<String> args) {
        final List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of(
                javaBinary(),
                "-Xmx" + maxHeap,
                // a broker short of heap is better dead (and reported) than limping
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath(),
                "-Dkafka.logs.dir=" + logDir.toAbsolutePath(),
                "-cp",
                classpath(),
                mainClass));
        command.addAll(args);
        return command;
    }

    /**
     * The {@code java} launcher of this JVM's installation. Taken from {@code java.home} rather than
     * from this process's command, which may be a native launcher rather than {@code java}.
     */
    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's classpath with every entry made absolute: the child runs in the node's directory, and
     * {@code java -jar app.jar} leaves a relative {@code java.class.path} (the jar's manifest
     * {@code Class-Path} is honoured when the jar is on {@code -cp} as well).
     */
    private static String classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
