package io.vanrouter.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default logging set up in code must be what Logback makes of the default logback.xml, and only then. */
class DefaultLoggingTest {
    private static final Path SHIPPED = Path.of("..", "config", "logback.xml");

    @TempDir
    Path dir;

    @Test
    void shouldSetUpWhatJoranMakesOfTheDefaultFile() throws Exception {
        LoggerContext fromXml = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fromXml);
        joran.doConfigure(SHIPPED.toFile());
        LoggerContext inCode = new LoggerContext();
        DefaultLogging.apply(inCode);

        for (String name : List.of("vanrouter", "io.netty", org.slf4j.Logger.ROOT_LOGGER_NAME, "vanrouter.link")) {
            assertThat(inCode.getLogger(name).getLevel()).as(name).isEqualTo(fromXml.getLogger(name).getLevel());
            assertThat(inCode.getLogger(name).getEffectiveLevel()).as(name)
                    .isEqualTo(fromXml.getLogger(name).getEffectiveLevel());
        }
        assertThat(inCode.getLogger("vanrouter").getLevel()).isEqualTo(Level.INFO);
        assertThat(describe(inCode)).isEqualTo(describe(fromXml)).hasSize(1);
    }

    @Test
    void shouldApplyOnlyToAByteIdenticalCopyOfTheDefault() throws Exception {
        Path copy = Files.copy(SHIPPED, dir.resolve("logback.xml"));
        Path edited = Files.writeString(dir.resolve("edited.xml"),
                Files.readString(SHIPPED).replace("level=\"INFO\"", "level=\"DEBUG\""));

        assertThat(new DefaultLogging().configure(new LoggerContext(), copy.toString()))
                .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertThat(new DefaultLogging().configure(new LoggerContext(), edited.toString()))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(new DefaultLogging().configure(new LoggerContext(), dir.resolve("missing.xml").toString()))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        // No file named, but the tests' logback-test.xml is on the class path: Joran reads that one.
        assertThat(new DefaultLogging().configure(new LoggerContext(), null))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }

    @Test
    void shouldShipTheSameDefaultInTheJarAndInConfig() throws Exception {
        assertThat(Files.readAllBytes(Path.of("src", "main", "resources", DefaultLogging.DEFAULT_RESOURCE)))
                .isEqualTo(Files.readAllBytes(SHIPPED));
    }

    /** Each root appender as class, name and pattern. */
    private static List<String> describe(LoggerContext context) {
        List<String> appenders = new ArrayList<>();
        Iterator<Appender<ILoggingEvent>> it = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .iteratorForAppenders();
        while (it.hasNext()) {
            Appender<ILoggingEvent> appender = it.next();
            String pattern = appender instanceof ConsoleAppender<ILoggingEvent> console
                    && console.getEncoder() instanceof PatternLayoutEncoder encoder ? encoder.getPattern() : "?";
            appenders.add(appender.getClass().getSimpleName() + " " + appender.getName() + " " + pattern);
        }
        return appenders;
    }
}
