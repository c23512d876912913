package io.purchasepipeline.tools.kafka;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The main class of a child JVM that must not outlive the process that started it: runs another
 * main class, and exits (running its shutdown hooks, so a Kafka broker shuts down cleanly) as soon
 * as the parent is gone, however it went: a {@code kill -9} or an out-of-memory kill of the parent
 * runs none of its own hooks, and would otherwise leave the child running with no owner.
 *
 * <p>Arguments: the parent's pid, the main class to run, then that class's arguments.
 */
public final class ParentWatch {

    static final long POLL_MS = 500;

    private ParentWatch() {}

    public static void main(final String[] args) throws Throwable {
        final long parentPid = Long.parseLong(args[0]);
        final Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        final Thread watcher = new Thread(
                () -> {
                    try {
                        while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                            Thread.sleep(POLL_MS);
                        }
                        System.err.println("parent process " + parentPid + " is gone: stopping");
                        Runtime.getRuntime().exit(0);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        try {
            Class.forName(args[1]).getMethod("main", String[].class).invoke(null, (Object)
                    Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
