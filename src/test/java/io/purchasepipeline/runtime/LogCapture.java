package io.purchasepipeline.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The lines one logger writes while a test runs, at the level asked for, whatever the test configuration says. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Level previous;

    private LogCapture(final Logger logger, final Level level) {
        super("capture-" + logger.getName(), null, null, true, Property.EMPTY_ARRAY);
        this.logger = logger;
        this.previous = logger.getLevel();
        start();
        logger.addAppender(this);
        logger.setLevel(level);
    }

    public static LogCapture of(final Class<?> type, final Level level) {
        return new LogCapture((Logger) LogManager.getLogger(type), level);
    }

    @Override
    public void append(final LogEvent event) {
        lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        logger.setLevel(previous);
        stop();
    }
}
