package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {
    static final String FIXTURES = "src/test/resources/config/";

    @Test
    void shouldPrintSummaryAndExitZeroForAGoodFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("site-a.yaml"); // the demo's, with plain links: it makes its TLS files when it runs
        Files.writeString(config, Files.readString(Path.of("../config/demo/site-a.yaml"))
                .replaceAll("(?ms)^tls:.*", "tls: {insecure: true}\n"));
        CliRun run = CliRun.vanrouter("check-config", config.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("config OK: router site-a, 1 listener, 2 peers, tls insecure" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldPluraliseTheSummary() {
        CliRun run = CliRun.vanrouter("check-config", FIXTURES + "minimal.yaml");

        assertThat(run.out()).startsWith("config OK: router lonely, 0 listeners, 1 peer");
    }

    @Test
    void shouldPrintEveryProblemWithFileAndLineAndExitOne() {
        String file = FIXTURES + "bad-ranges.yaml";

        CliRun run = CliRun.vanrouter("check-config", file);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).hasSize(9)
                .startsWith(file + ":5: listen[0].port: must be 0..65535, got 65536")
                .contains(file + ":13: peers[2].port: must be 1..65535, got 70000",
                        file + ":19: routing.dataConnections: must be 0..16, got 17")
                .endsWith(file + ":20: routing.ioThreads: must be 1..64, got 0");
    }

    @Test
    void shouldRefuseAnMqttMessageLimitLargerThanTheFrameLimit() {
        String file = FIXTURES + "bad-mqtt-frame-limit.yaml";

        CliRun run = CliRun.vanrouter("check-config", file);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).singleElement().asString().startsWith(file
                + ":12: mqtt.maxMessageBytes: mqtt.maxMessageBytes (1048576) plus 1810 bytes of MESSAGE frame header"
                + " does not fit in routing.maxFrameBytes (1048576): raise routing.maxFrameBytes to at least");
    }

    @Test
    void shouldReportAMissingFile() {
        CliRun run = CliRun.vanrouter("check-config", "no/such.yaml");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("no/such.yaml: file not found");
    }

    @Test
    void shouldRequireAFileArgument() {
        CliRun run = CliRun.vanrouter("check-config");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void shouldPrintTheVersion() {
        CliRun run = CliRun.vanrouter("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("vanrouter " + Version.current());
        assertThat(Version.current()).isNotEqualTo("unknown");
    }

    @Test
    void shouldAskForACommand() {
        CliRun run = CliRun.vanrouter();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("a command is required", "check-config", "status", "run");
    }
}
