package io.vanrouter.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * Sets up the default logging of {@code logback.xml} in code, and leaves every other configuration to Logback's own
 * XML reader (Joran). Reading that file costs a starting router about 150 ms and 370 classes (docs/operations.md,
 * "Start-up"); the file stays the one place operators change, so this applies only while the file Logback would read
 * is byte for byte the default the jar carries (bin/vanrouter passes {@code config/logback.xml}, a copy of it).
 * A {@code logback-test.xml} on the class path (the tests') or an edited file goes to Joran as before.
 *
 * <p>Found by Logback through {@code META-INF/services}, before its own configurators.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    /** The default file in the jar; also what {@link #configure} reproduces. */
    static final String DEFAULT_RESOURCE = "logback.xml";
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n";
    private static final String FILE_PROPERTY = "logback.configurationFile";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, System.getProperty(FILE_PROPERTY));
    }

    /** {@link #configure(LoggerContext)} as if {@code logback.configurationFile} were {@code namedFile}. */
    ExecutionStatus configure(LoggerContext context, String namedFile) {
        if (!isDefault(namedFile)) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** What the default {@code logback.xml} sets up: text lines on the console, vanrouter at INFO, the rest WARN. */
    static void apply(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.start();
        context.getLogger("vanrouter").setLevel(Level.INFO);
        context.getLogger("io.netty").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
    }

    /**
     * Whether Logback would read the default: no file named and no {@code logback-test.xml}, or a named file whose
     * bytes are the jar's. A file that cannot be read goes to Joran, which reports why.
     */
    private static boolean isDefault(String namedFile) {
        ClassLoader loader = DefaultLogging.class.getClassLoader();
        if (namedFile == null) {
            return loader.getResource("logback-test.xml") == null;
        }
        try (InputStream defaults = loader.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (defaults == null) {
                return false;
            }
            Path file = Path.of(namedFile);
            return Files.size(file) < 64 * 1024 && Arrays.equals(Files.readAllBytes(file), defaults.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
