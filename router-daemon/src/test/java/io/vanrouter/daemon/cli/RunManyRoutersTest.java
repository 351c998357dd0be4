package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.daemon.RouterDaemon;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.mgmt.StatusReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run --config a.yaml --config b.yaml}: several edge routers in this JVM, with real sockets, dialling one
 * interior router started beside them.
 */
@Timeout(60)
class RunManyRoutersTest {
    private static final Duration ATTACH = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    /** What the command under test started, in start order. */
    private final List<RouterDaemon> started = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private RouterDaemon interior;

    @AfterEach
    void closeRouters() {
        started.forEach(RouterDaemon::close);
        if (interior != null) {
            interior.close();
        }
    }

    private RunCommand command() {
        return new RunCommand(config -> {
            RouterDaemon daemon = RouterDaemon.start(config);
            started.add(daemon);
            RunCommand.RunningRouter running = RunCommand.running(daemon);
            return new RunCommand.RunningRouter() {
                @Override
                public InetSocketAddress managementAddress() {
                    return running.managementAddress();
                }

                @Override
                public void awaitTermination() throws InterruptedException {
                    running.awaitTermination();
                }

                @Override
                public void close() {
                    closed.add(config.routerId());
                    running.close();
                }
            };
        }, false);
    }

    private void startInterior() throws Exception {
        interior = RouterDaemon.start(ConfigLoader.load(write("hub", """
                router: {id: hub, network: test}
                listen: [{host: 127.0.0.1, port: 0}]
                management: {host: 127.0.0.1, port: 0}
                tls: {insecure: true}
                """)));
    }

    private String edge(String id, int mqttPort) throws IOException {
        int uplink = interior.listenAddresses().get(0).getPort();
        return write(id, """
                router: {id: %s, mode: edge, network: test}
                peers: [{host: 127.0.0.1, port: %d}]
                management: {host: 127.0.0.1, port: 0}
                tls: {insecure: true}
                routing: {reconnectInitialMillis: 100, reconnectMaxMillis: 1000}
                mqtt: {listen: {host: 127.0.0.1, port: %d}}
                """.formatted(id, uplink, mqttPort)).toString();
    }

    private Path write(String id, String yaml) throws IOException {
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static List<String> links(RouterDaemon router) throws Exception {
        StatusReport report = router.status().get(5, TimeUnit.SECONDS);
        return report.links().stream().map(l -> l.peer() + " " + l.state()).sorted().toList();
    }

    private static String metrics(InetSocketAddress management) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management.getPort()
                + "/metrics")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldRunEveryConfiguredRouterInOneProcessUntilTheyAreClosed() throws Exception {
        startInterior();
        String e1 = edge("e1", 0);
        String e2 = edge("e2", 0);

        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                () -> CliRun.run(new CommandLine(command()), "--config", e1, "--config", e2));

        await().atMost(ATTACH).until(() -> started.size() == 2);
        for (RouterDaemon edge : started) {
            await().atMost(ATTACH).until(() -> links(edge).equals(List.of("hub uplink (active)")));
        }
        await().atMost(ATTACH).until(() -> links(interior).equals(List.of("e1 edge", "e2 edge")));
        // Each edge has its own management endpoint and metrics; the JVM's families come once in each scrape.
        for (RouterDaemon edge : started) {
            String scrape = metrics(edge.managementAddress());
            assertThat(scrape).contains("router=\"" + edge.routerId() + "\"");
            assertThat(scrape.lines().filter(l -> l.startsWith("# TYPE jvm_memory_used_bytes "))).hasSize(1);
        }
        assertThat(run).isNotDone();

        started.forEach(RouterDaemon::close); // as SIGTERM does, through RunningRouters.closeAll

        CliRun result = run.get(20, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines()).containsExactly(
                "vanrouter e1 running; management on 127.0.0.1:" + started.get(0).managementAddress().getPort(),
                "vanrouter e2 running; management on 127.0.0.1:" + started.get(1).managementAddress().getPort());
    }

    @Test
    void shouldCloseTheRoutersStartedWhenALaterOneCannotStart() throws Exception {
        startInterior();
        int mqttPort = freePort();
        String e1 = edge("e1", mqttPort);
        String e2 = edge("e2", mqttPort); // the port e1 holds

        CliRun run = CliRun.run(new CommandLine(command()), "--config", e1, "--config", e2);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err()).startsWith("cannot start router e2: ");
        assertThat(run.out()).isEmpty();
        assertThat(closed).containsExactly("e1");
        try (ServerSocket again = new ServerSocket()) { // e1 let go of its MQTT port
            again.bind(new InetSocketAddress("127.0.0.1", mqttPort));
        }
    }

    @Test
    void shouldStartNothingWhenTwoConfigsNameTheSameRouter() throws Exception {
        startInterior();
        String e1 = edge("e1", 0);
        String copy = Files.copy(Path.of(e1), dir.resolve("copy.yaml")).toString();

        CliRun run = CliRun.run(new CommandLine(command()), "--config", e1, "--config", copy);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(copy + ": router.id: e1 is also the id in " + e1);
        assertThat(started).isEmpty();
    }
}
