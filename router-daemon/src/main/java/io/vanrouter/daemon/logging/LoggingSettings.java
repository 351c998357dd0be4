package io.vanrouter.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code logging} section: the format of every log line (human-readable {@code text}, the default, or one JSON
 * object per line through Logback's {@link JsonEncoder}) and levels per logger ({@code vanrouter.link: debug}).
 *
 * <p>{@link #apply} works on the running Logback context and may be called again (a reload): levels it set before
 * and that are no longer listed go back to inheriting, and {@code text} puts back the encoders that {@code json}
 * replaced. Under another SLF4J binding it does nothing but say so. Any thread; calls are serialised.
 *
 * @param levels logger name to level name (trace, debug, info, warn, error, off), sorted
 */
public record LoggingSettings(Format format, Map<String, String> levels) {
    /** Level names {@code logging.levels} accepts. */
    public static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");
    /** The Logback context property that carries the router id into JSON lines ({@code context.properties}). */
    public static final String ROUTER_PROPERTY = "routerId";
    private static final String APPLIED_LEVELS = "vanrouter.logging.levels";
    private static final String TEXT_ENCODERS = "vanrouter.logging.textEncoders";
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.config");

    public enum Format { TEXT, JSON }

    public static final LoggingSettings DEFAULT = new LoggingSettings(Format.TEXT, Map.of());

    public LoggingSettings {
        levels = java.util.Collections.unmodifiableMap(new TreeMap<>(levels));
    }

    /** Applies the format and levels to the running Logback context; {@code routerId} goes into JSON lines. */
    public void apply(String routerId) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            LOG.warn("[{}] logging settings not applied: the logging backend is {}, not Logback", routerId,
                    factory.getClass().getName());
            return;
        }
        synchronized (context) {
            context.putProperty(ROUTER_PROPERTY, routerId);
            applyLevels(context);
            applyFormat(context);
        }
    }

    @SuppressWarnings("unchecked")
    private void applyLevels(LoggerContext context) {
        Set<String> before = (Set<String>) context.getObject(APPLIED_LEVELS);
        if (before != null) {
            for (String name : before) {
                if (!levels.containsKey(name)) {
                    context.getLogger(name).setLevel(null); // back to inheriting from logback.xml
                }
            }
        }
        levels.forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level.toUpperCase(
                Locale.ROOT), Level.INFO)));
        context.putObject(APPLIED_LEVELS, new HashSet<>(levels.keySet()));
    }

    /** Swaps the encoder of every stream appender of the root logger (console, file) for JSON, or back. */
    @SuppressWarnings("unchecked")
    private void applyFormat(LoggerContext context) {
        Map<String, Encoder<ILoggingEvent>> text = (Map<String, Encoder<ILoggingEvent>>) context.getObject(
                TEXT_ENCODERS);
        if (text == null) {
            text = new HashMap<>();
            context.putObject(TEXT_ENCODERS, text);
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (!(it.next() instanceof OutputStreamAppender<ILoggingEvent> appender)) {
                continue;
            }
            Encoder<ILoggingEvent> current = appender.getEncoder();
            if (format == Format.JSON && !(current instanceof JsonEncoder)) {
                text.put(appender.getName(), current);
                swap(appender, jsonEncoder(context));
            } else if (format == Format.TEXT && current instanceof JsonEncoder && text.containsKey(
                    appender.getName())) {
                swap(appender, text.remove(appender.getName()));
            }
        }
    }

    private static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.setWithContext(true); // carries context.properties.routerId
        encoder.start();
        return encoder;
    }

    /**
     * Replaces the encoder in place: a restart would close the appender's stream, which only console and file
     * appenders reopen. A line being written on another thread at that moment may still use the old encoder.
     */
    private static void swap(OutputStreamAppender<ILoggingEvent> appender, Encoder<ILoggingEvent> encoder) {
        if (!encoder.isStarted()) {
            encoder.start();
        }
        appender.setEncoder(encoder);
    }
}
