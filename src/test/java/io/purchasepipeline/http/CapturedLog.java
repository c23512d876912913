package io.purchasepipeline.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every line logged while it is open, as the log would show it (message and any exception's
 * messages): the application's own loggers at every level, down to TRACE, and every other logger
 * at its configured level.
 */
final class CapturedLog implements AutoCloseable {

    private static final String OURS = "io.purchasepipeline";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final Level before;

    private CapturedLog() {
        appender =
                new AbstractAppender(
                        "captured-" + System.identityHashCode(this), null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(final LogEvent event) {
                        final StringBuilder line = new StringBuilder(event.getLoggerName())
                                .append(' ')
                                .append(event.getLevel())
                                .append(' ')
                                .append(event.getMessage().getFormattedMessage());
                        for (Throwable thrown = event.getThrown(); thrown != null; thrown = thrown.getCause()) {
                            line.append(" | ").append(thrown);
                        }
                        lines.add(line.toString());
                    }
                };
        appender.start();
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        final Configuration config = context.getConfiguration();
        before = config.getLoggerConfig(OURS).getLevel();
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        Configurator.setLevel(OURS, Level.ALL);
        context.updateLoggers();
    }

    static CapturedLog start() {
        return new CapturedLog();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        Configurator.setLevel(OURS, before);
        context.updateLoggers();
        appender.stop();
    }
}
