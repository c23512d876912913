package io.purchasepipeline.runtime;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A scheduler on one daemon thread of its own: background checks that must never keep the JVM alive. */
public final class DaemonScheduler {

    private DaemonScheduler() {}

    /** One thread named {@code name}, a daemon. */
    public static ScheduledExecutorService named(final String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
