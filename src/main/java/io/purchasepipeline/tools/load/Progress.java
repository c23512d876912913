package io.purchasepipeline.tools.load;

import io.purchasepipeline.runtime.DaemonScheduler;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar of the orders ended, with what is sent and in flight beside it, redrawn a few
 * times a second on the operator's terminal; nothing when the output is not a terminal.
 */
public interface Progress extends AutoCloseable {

    /** No display: output piped to a file or a script, or {@code --no-progress}. */
    Progress NONE = () -> {};

    /**
     * @param expected how many orders the run will end; -1 when not known (a run by duration at the maximum rate)
     * @param terminal where to draw: the standard error stream, so that the summary on standard output stays clean
     */
    static Progress bar(
            final long expected, final ProgressBarConsumer terminal, final Supplier<Outcomes.Snapshot> figures) {
        final ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("load")
                .setInitialMax(expected)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" orders", 1)
                .showSpeed()
                .setUpdateIntervalMillis(250)
                .setConsumer(terminal)
                .build();
        final ScheduledExecutorService updates = DaemonScheduler.named("load-progress");
        final Runnable update = () -> {
            final Outcomes.Snapshot now = figures.get();
            bar.stepTo(now.ended());
            bar.setExtraMessage(" " + message(now));
        };
        updates.scheduleAtFixedRate(update, 0, 200, TimeUnit.MILLISECONDS);
        return () -> {
            updates.shutdownNow();
            update.run();
            bar.close();
        };
    }

    /** {@code sent 1,200, 180 in flight, p99 210 ms}, with failures and duplicates only when there are any. */
    static String message(final Outcomes.Snapshot now) {
        final StringBuilder message = new StringBuilder(String.format(
                Locale.ROOT, "sent %,d, %,d in flight, p99 %.0f ms", now.sent(), now.inFlight(), now.p99Ms()));
        if (now.failedSends() > 0) {
            message.append(String.format(Locale.ROOT, ", %,d failed", now.failedSends()));
        }
        if (now.duplicates() > 0) {
            message.append(String.format(Locale.ROOT, ", %,d ended twice", now.duplicates()));
        }
        return message.toString();
    }

    @Override
    void close();
}
