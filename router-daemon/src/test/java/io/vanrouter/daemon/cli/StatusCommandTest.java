package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.mgmt.BearerToken;
import io.vanrouter.daemon.mgmt.ManagementServer;
import io.vanrouter.daemon.mgmt.SampleStatus;
import io.vanrouter.daemon.mgmt.StatusJson;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StatusCommandTest {
    private ManagementServer server;
    private String router;

    @BeforeEach
    void startServer() throws IOException {
        server = new ManagementServer("127.0.0.1", 0, () -> CompletableFuture.completedFuture(SampleStatus.siteA()));
        router = "127.0.0.1:" + server.address().getPort();
    }

    @AfterEach
    void closeServer() {
        server.close();
    }

    @Test
    void shouldPrintAllTables() {
        CliRun run = CliRun.vanrouter("status", "--router", router);

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("Router site-a  network demo  mode interior")
                .contains("\nRouters\n", "\nLinks\n", "\nAddresses\n  none\n");
        assertThat(run.out().lines()).contains(
                "site-c  site-b    2            2     3       12s",
                "site-d  -         unreachable  -     9       1m 15s");
    }

    @Test
    void shouldSendTheBearerTokenFromAFileOrItsConfig(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("mgmt.token");
        Files.writeString(token, "another-long-token-0123456789\n");
        try (ManagementServer guarded = new ManagementServer("127.0.0.1", 0,
                () -> CompletableFuture.completedFuture(SampleStatus.siteA()), Duration.ofSeconds(2),
                BearerToken.read(token))) {
            String address = "127.0.0.1:" + guarded.address().getPort();
            Path config = dir.resolve("r.yaml");
            Files.writeString(config, "router: {id: site-a}\npeers: [{host: 127.0.0.1, port: 1}]\n"
                    + "management: {port: " + guarded.address().getPort() + ", tokenFile: mgmt.token}\n"
                    + "tls: {insecure: true}\n");

            CliRun without = CliRun.vanrouter("status", "--router", address);
            CliRun withFile = CliRun.vanrouter("status", "--router", address, "--token-file", token.toString());
            CliRun withConfig = CliRun.vanrouter("status", "--config", config.toString());

            assertThat(without.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(without.err()).contains("answered HTTP 401").contains("a bearer token is required");
            assertThat(withFile.exitCode()).isZero();
            assertThat(withFile.out()).startsWith("Router site-a");
            assertThat(withConfig.exitCode()).isZero();
        }
    }

    @Test
    void shouldPrintOnlyTheAskedView() {
        CliRun run = CliRun.vanrouter("status", "--router", router, "links");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Links\n").doesNotContain("Routers", "Router site-a", "Addresses");
        assertThat(run.out().lines()).anyMatch(line -> line.startsWith("2   site-c  ACTIVE"));
    }

    @Test
    void shouldPrintJsonThatParsesBack() throws Exception {
        CliRun run = CliRun.vanrouter("status", "--router", router, "--json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("\n  \"router\" : \"site-a\"");
        assertThat(StatusJson.read(run.out())).isEqualTo(SampleStatus.siteA());
    }

    @Test
    void shouldPrintOnlyTheViewsJson() throws Exception {
        CliRun run = CliRun.vanrouter("status", "--router", router, "--json", "NODES");

        assertThat(run.exitCode()).isZero();
        assertThat(StatusJson.tree(run.out()).isArray()).isTrue();
        assertThat(StatusJson.tree(run.out()).get(3).get("id").asText()).isEqualTo("site-d");
    }

    @Test
    void shouldFindTheRouterThroughItsConfig(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("r.yaml");
        Files.writeString(config, "router: {id: site-a}\npeers: [{host: 127.0.0.1, port: 1}]\n"
                + "management: {port: " + server.address().getPort() + "}\ntls: {insecure: true}\n");

        CliRun run = CliRun.vanrouter("status", "--config", config.toString(), "nodes");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Routers\n");
    }

    @Test
    void shouldExitTwoWhenNobodyListens() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        CliRun run = CliRun.vanrouter("status", "--router", "127.0.0.1:" + port);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip())
                .isEqualTo("cannot reach vanrouter management at 127.0.0.1:" + port + ": Connection refused");
    }

    @Test
    void shouldExitTwoWhenStatusIsNotAvailable() throws IOException {
        try (ManagementServer stuck = new ManagementServer("127.0.0.1", 0, CompletableFuture::new,
                java.time.Duration.ofMillis(20))) {
            CliRun run = CliRun.vanrouter("status", "--router", "127.0.0.1:" + stuck.address().getPort());

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("answered HTTP 503", "status not available within 20 ms");
        }
    }

    @Test
    void shouldRejectConfigAndRouterTogether() {
        CliRun run = CliRun.vanrouter("status", "--router", router, "--config", "x.yaml");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("mutually exclusive");
    }

    @Test
    void shouldRejectAMalformedRouterAddress() {
        CliRun run = CliRun.vanrouter("status", "--router", "127.0.0.1:http");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--router must be HOST:PORT");
    }

    @Test
    void shouldRejectAnUnknownView() {
        CliRun run = CliRun.vanrouter("status", "--router", router, "routes");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("nodes, links, addresses");
    }
}
