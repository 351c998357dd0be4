package io.vanrouter.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the events of one Logback logger for assertions. Close it to detach. */
public final class LogCapture implements AutoCloseable {
    /** One captured event: when it was logged (epoch millis) and its formatted message. */
    public record Event(long timeMillis, String message) {
    }

    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture(String loggerName) {
        this(loggerName, null);
    }

    /** Also lowers the logger to {@code level} (e.g. DEBUG) until closed; null keeps the configured level. */
    public LogCapture(String loggerName, Level level) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        previousLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        appender.start();
        logger.addAppender(appender);
    }

    /** Formatted messages at {@code level}, in order. */
    public List<String> messages(Level level) {
        return events(level).stream().map(Event::message).toList();
    }

    /** Events at {@code level}, in order, with their time. */
    public List<Event> events(Level level) {
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel() == level)
                    .map(e -> new Event(e.getTimeStamp(), e.getFormattedMessage())).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
