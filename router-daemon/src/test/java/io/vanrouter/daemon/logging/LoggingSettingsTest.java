package io.vanrouter.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Applies settings to the test JVM's Logback context through a capturing appender on the root logger. */
class LoggingSettingsTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void attach() {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("TEXT %logger %msg%n");
        text.start();
        appender = new OutputStreamAppender<>();
        appender.setName("capture");
        appender.setContext(context);
        appender.setEncoder(text);
        appender.setOutputStream(captured);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @AfterEach
    void detach() {
        LoggingSettings.DEFAULT.apply("test");
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
    }

    private String output() {
        String text = captured.toString(StandardCharsets.UTF_8);
        captured.reset();
        return text;
    }

    @Test
    void shouldWriteJsonLinesWithTheRouterIdThenTextAgain() throws Exception {
        new LoggingSettings(LoggingSettings.Format.JSON, Map.of("vanrouter.test", "info")).apply("site-a");
        LoggerFactory.getLogger("vanrouter.test").info("[site-a] link up ({})", "cost 1");

        String json = output().strip();
        JsonNode line = new ObjectMapper().readTree(json.lines().reduce((first, last) -> last).orElseThrow());
        assertThat(line.path("formattedMessage").asText()).isEqualTo("[site-a] link up (cost 1)");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("vanrouter.test");
        assertThat(line.path("context").path("properties").path("routerId").asText()).isEqualTo("site-a");

        new LoggingSettings(LoggingSettings.Format.TEXT, Map.of("vanrouter.test", "info")).apply("site-a");
        LoggerFactory.getLogger("vanrouter.test").info("plain again");
        assertThat(output()).isEqualTo("TEXT vanrouter.test plain again\n");
    }

    @Test
    void shouldSetLevelsPerLoggerAndUnsetThemWhenNoLongerListed() {
        new LoggingSettings(LoggingSettings.Format.TEXT, Map.of("vanrouter.test.quiet", "warn",
                "vanrouter.test.loud", "trace")).apply("site-a");

        assertThat(context.getLogger("vanrouter.test.quiet").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("vanrouter.test.loud").getLevel()).isEqualTo(Level.TRACE);
        LoggerFactory.getLogger("vanrouter.test.quiet").info("hidden");
        assertThat(output()).isEmpty();

        new LoggingSettings(LoggingSettings.Format.TEXT, Map.of("vanrouter.test.loud", "debug")).apply("site-a");

        assertThat(context.getLogger("vanrouter.test.quiet").getLevel()).isNull();
        assertThat(context.getLogger("vanrouter.test.loud").getLevel()).isEqualTo(Level.DEBUG);
    }
}
