package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.NotifySocket;
import io.vanrouter.daemon.SystemdNotifier;
import io.vanrouter.daemon.config.RouterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {
    private final List<String> events = new ArrayList<>();
    @TempDir
    Path dir;

    /** A router that has already been closed, so awaitTermination returns at once. */
    private RunCommand.RunningRouter stopped(InetSocketAddress management) {
        return new RunCommand.RunningRouter() {
            @Override
            public InetSocketAddress managementAddress() {
                return management;
            }

            @Override
            public void awaitTermination() {
                events.add("await");
            }

            @Override
            public void close() {
                events.add("close");
            }
        };
    }

    /** A demo router's configuration with plain links: the demo makes its TLS files only when it runs. */
    private String plainDemo(String site) {
        try {
            String text = Files.readString(Path.of("../config/demo", site + ".yaml"));
            Path config = dir.resolve(site + ".yaml");
            Files.writeString(config, text.replaceAll("(?ms)^tls:.*", "tls: {insecure: true}\n"));
            return config.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CliRun run(RunCommand.Launcher launcher, String... args) {
        return CliRun.run(new CommandLine(new RunCommand(launcher, false)), args);
    }

    @Test
    void shouldStartTheConfiguredRouterAndPrintWhereManagementListens() {
        List<RouterConfig> started = new ArrayList<>();
        CliRun run = run(config -> {
            started.add(config);
            return stopped(new InetSocketAddress("127.0.0.1", 9191));
        }, "--config", plainDemo("site-a"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo("vanrouter site-a running; management on 127.0.0.1:9191");
        assertThat(started).singleElement().extracting(RouterConfig::routerId).isEqualTo("site-a");
        assertThat(events).containsExactly("await");
    }

    @Test
    void shouldSayWhenManagementIsDisabled() {
        CliRun run = run(config -> stopped(null), "--config", plainDemo("site-b"));

        assertThat(run.out().strip()).isEqualTo("vanrouter site-b running; management disabled");
    }

    @Test
    void shouldExitOneWithTheReasonWhenStartFails() {
        CliRun run = run(config -> {
            throw new BindException("cannot bind 127.0.0.1:55671: Address already in use");
        }, "--config", plainDemo("site-a"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
                .isEqualTo("cannot start router site-a: cannot bind 127.0.0.1:55671: Address already in use");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldStartNothingForAnInvalidConfig() {
        CliRun run = run(config -> {
            throw new AssertionError("must not start");
        }, "--config", "src/test/resources/config/bad-edge.yaml");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("bad-edge.yaml:5: listen: an edge router takes no links");
    }

    @Test
    void shouldStartNothingWhenMqttMessagesWouldNotFitInFrames() {
        CliRun run = run(config -> {
            throw new AssertionError("must not start");
        }, "--config", "src/test/resources/config/bad-mqtt-frame-limit.yaml");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("bad-mqtt-frame-limit.yaml:12: mqtt.maxMessageBytes:",
                "does not fit in routing.maxFrameBytes (1048576)");
    }

    @Test
    void shouldTellSystemdReadyOnceTheRouterRuns() throws Exception {
        try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
            CliRun run = CliRun.run(new CommandLine(new RunCommand(config -> {
                events.add("start");
                return stopped(new InetSocketAddress("127.0.0.1", 9191));
            }, false, SystemdNotifier.of(systemd.name()))), "--config", plainDemo("site-a"));

            assertThat(run.exitCode()).isZero();
            assertThat(systemd.next(Duration.ofSeconds(10)))
                    .isEqualTo("READY=1\nSTATUS=vanrouter site-a running; management on 127.0.0.1:9191");
            assertThat(events).containsExactly("start", "await");
        }
    }

    @Test
    void shouldNotTellSystemdReadyWhenTheStartFails() throws Exception {
        try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
            SystemdNotifier notifier = SystemdNotifier.of(systemd.name());
            CliRun run = CliRun.run(new CommandLine(new RunCommand(config -> {
                throw new BindException("cannot bind 127.0.0.1:55671: Address already in use");
            }, false, notifier)), "--config", plainDemo("site-a"));
            notifier.send("MARKER=1"); // a READY=1 sent by the failed run would be queued before this

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(systemd.next(Duration.ofSeconds(10))).isEqualTo("MARKER=1");
        }
    }

    @Test
    void shouldRequireConfigOption() {
        CliRun run = CliRun.vanrouter("run");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--config");
    }
}
