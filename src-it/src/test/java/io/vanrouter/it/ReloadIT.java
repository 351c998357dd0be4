package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload of real router processes: SIGHUP at b adds a connector, {@code vanrouter reload --config} at a adds a
 * listener, and a rejected file changes nothing; a TCP stream opened before any of it keeps echoing.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
class ReloadIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestNetwork network;
    private ServerSocket echo;

    @BeforeEach
    void setUp() throws IOException {
        network = new TestNetwork(dir);
        echo = Servers.echo();
    }

    @AfterEach
    void tearDown() throws Exception {
        echo.close();
        network.close();
    }

    private CommandRun.Result vanrouter(String... args) throws IOException, InterruptedException {
        return CommandRun.vanrouter(dir, args);
    }

    @Test
    void shouldApplySighupAndReloadCommandWithoutBreakingAStream() throws Exception {
        int listenA = FreePorts.next();
        int listenA2 = FreePorts.next();
        RouterProcess b = network.startWith("b", TcpAdaptorIT.connector("echo", echo.getLocalPort()));
        RouterProcess a = network.startWith("a", TcpAdaptorIT.listener("echo", listenA), "b");
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(a, "echo").contains("b"));
        Random random = new Random(3);
        try (Socket stream = new Socket(InetAddress.getLoopbackAddress(), listenA)) {
            stream.setSoTimeout(30_000);
            echoes(stream, random);

            // SIGHUP at b: a second connector, its address seen at a.
            Files.writeString(b.config, Files.readString(b.config) + "    - address: echo2\n      host: 127.0.0.1\n"
                    + "      port: " + echo.getLocalPort() + "\n");
            b.hangUp();
            await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(a, "echo2").contains("b"));
            assertThat(b.status().orElseThrow().path("configGeneration").asLong()).isEqualTo(2);
            echoes(stream, random);

            // vanrouter reload at a: a second listener, for echo2.
            Files.writeString(a.config, Files.readString(a.config) + "    - address: echo2\n      host: 127.0.0.1\n"
                    + "      port: " + listenA2 + "\n");
            CommandRun.Result reloaded = vanrouter("reload", "--config", a.config.toString());
            assertThat(reloaded.exitCode()).as(reloaded.output()).isZero();
            assertThat(reloaded.output()).contains("generation 2").contains("tcp listener 'echo2'");
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), listenA2)) {
                second.setSoTimeout(30_000);
                echoes(second, random);
            }
            echoes(stream, random);

            // A file that changes the router id: refused by the router, nothing changes.
            String live = Files.readString(a.config);
            Files.writeString(a.config, live.replace("id: a", "id: a-renamed"));
            CommandRun.Result refused = vanrouter("reload", "--config", a.config.toString());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.output()).contains("kept generation 2").contains("router.id changed");
            assertThat(a.logText()).contains("configuration reload rejected");
            echoes(stream, random);
        }
        network.assertNoUnexpectedErrors(null);
    }

    /** 1 MiB out and back on a stream that stays open (no half-close, unlike Servers.roundTrip). */
    private static void echoes(Socket socket, Random random) throws Exception {
        byte[] payload = new byte[1 << 20];
        random.nextBytes(payload);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                socket.getOutputStream().write(payload);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] back = socket.getInputStream().readNBytes(payload.length);
        writer.get(30, TimeUnit.SECONDS);
        assertThat(Arrays.equals(back, payload)).as("1 MiB echoed intact").isTrue();
    }
}
