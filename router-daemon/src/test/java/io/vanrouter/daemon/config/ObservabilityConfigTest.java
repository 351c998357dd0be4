package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.daemon.logging.LoggingSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilityConfigTest {
    private static final String HEAD = "router: {id: a}\nlisten: [{host: 127.0.0.1, port: 1}]\ntls: {insecure: true}\n";

    @Test
    void shouldDefaultToTextLogsAndNoFlowLog() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD, null);

        assertThat(config.logging()).isEqualTo(LoggingSettings.DEFAULT);
        assertThat(config.flowLog()).isNull();
    }

    @Test
    void shouldLoadJsonLoggingLevelsAndAFlowLogFile() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + """
                logging:
                  format: json
                  levels:
                    vanrouter.link: DEBUG
                    io.netty: warn
                flowLog:
                  file: flows.log
                """, null);

        assertThat(config.logging().format()).isEqualTo(LoggingSettings.Format.JSON);
        assertThat(config.logging().levels()).isEqualTo(Map.of("vanrouter.link", "debug", "io.netty", "warn"));
        assertThat(config.flowLog().file()).isEqualTo(Path.of("flows.log"));
        assertThat(config.flowLog().log()).isFalse();
        assertThat(ConfigLoader.parse(HEAD + "flowLog: {log: true}\n", null).flowLog().log()).isTrue();
    }

    @Test
    void shouldReportBadLoggingAndFlowLogSettingsWithPathAndLine() {
        assertThat(problemsOfText(HEAD + """
                logging:
                  format: xml
                  levels:
                    vanrouter.link: loud
                  colour: true
                flowLog:
                  file: flows.log
                  log: true
                """)).extracting(ConfigProblem::path, ConfigProblem::line).containsExactlyInAnyOrder(
                tuple("logging.format", 5),
                tuple("logging.levels.vanrouter.link", 7),
                tuple("logging.colour", 8),
                tuple("flowLog.log", 11));
        assertThat(problemsOfText(HEAD + "flowLog: {log: false}\n")).extracting(ConfigProblem::path)
                .containsExactly("flowLog");
    }
}
