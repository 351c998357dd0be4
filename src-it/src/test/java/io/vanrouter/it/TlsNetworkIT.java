package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network set up the way docs/security.md says, with the CLI only: a CA ({@code certs ca}), the hub's credentials
 * ({@code certs issue}), and two sites joined by {@code token create} and {@code token redeem}. Real router
 * processes, links over TLS, real TCP and MQTT clients.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(240)
class TlsNetworkIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String BEGIN = "-----BEGIN VANROUTER JOIN TOKEN-----";
    private static final String END = "-----END VANROUTER JOIN TOKEN-----";

    @TempDir
    Path dir;
    private TestNetwork network;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        network.close();
    }

    private CommandRun.Result vanrouter(String... args) throws IOException, InterruptedException {
        return CommandRun.vanrouter(dir, args);
    }

    private void ok(String... args) throws IOException, InterruptedException {
        CommandRun.Result result = vanrouter(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + ": " + result.output()).isZero();
    }

    private static String management() {
        return "management:\n  host: 127.0.0.1\n  port: " + FreePorts.next() + "\n";
    }

    @Test
    void shouldJoinSitesWithTokensAndCarryTcpAndMqttOverTlsLinks() throws Exception {
        Path ca = dir.resolve("ca");
        ok("certs", "ca", "--network", "acme", "--out", ca.toString());
        ok("certs", "issue", "--ca", ca.toString(), "--router", "hub", "--out", dir.toString());
        int hubPort = FreePorts.next();
        int mqttB = FreePorts.next();
        int mqttC = FreePorts.next();
        int tcpB = FreePorts.next();
        ServerSocket echo = Servers.echo();
        closeables.add(echo);
        RouterProcess hub = network.launch("hub", "router:\n  id: hub\n  network: acme\nlisten:\n  - host: 127.0.0.1\n"
                + "    port: " + hubPort + "\n" + management() + "tls:\n  ca: ca.crt\n  cert: hub.crt\n  key: hub.key\n");

        Path password = dir.resolve("pub.password");
        Files.writeString(password, "pub-secret\n");
        ok("mqtt-users", "add", "--file", dir.resolve("site-b-users.yaml").toString(), "--user", "pub",
                "--publish", "t/#", "--subscribe", "", "--password-file", password.toString());
        List<RouterProcess> sites = new ArrayList<>();
        for (String site : List.of("site-b", "site-c")) {
            Path token = dir.resolve(site + ".token");
            ok("token", "create", "--ca", ca.toString(), "--router", site, "--peer", "127.0.0.1:" + hubPort,
                    "--out", token.toString());
            Path config = dir.resolve(site + ".yaml");
            ok("token", "redeem", token.toString(), "--config", config.toString());
            String extra = site.equals("site-b")
                    ? "mqtt:\n  listen: {host: 127.0.0.1, port: " + mqttB + "}\n"
                            + "  users: site-b-users.yaml\n"
                            + TcpAdaptorIT.listener("echo", tcpB)
                    : "mqtt:\n  listen: {host: 127.0.0.1, port: " + mqttC + "}\n"
                            + TcpAdaptorIT.connector("echo", echo.getLocalPort());
            sites.add(network.launch(site, Files.readString(config) + management() + extra));
        }
        RouterProcess b = sites.get(0);
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(b, "echo").contains("site-c"));
        for (RouterProcess router : List.of(hub, b, sites.get(1))) {
            assertThat(router.status().orElseThrow().path("linkSecurity").asText()).as(router.id)
                    .startsWith("TLS 1.3");
        }

        byte[] payload = new byte[4 << 20];
        new Random(9).nextBytes(payload);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpB)) {
            socket.setSoTimeout(30_000);
            byte[] back = Servers.roundTrip(socket, payload, 60);
            assertThat(Arrays.equals(back, payload)).as("4 MiB echoed through site-b, hub, site-c").isTrue();
        }

        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient subscriber = mqtt(mqttC, "sub-c", null);
        subscriber.subscribe("t/#", 1, (topic, message) -> received.add(new String(message.getPayload(),
                StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> mqtt(mqttB, "anonymous", null)).as("site-b asks for a password")
                .isInstanceOf(MqttException.class);
        MqttClient publisher = mqtt(mqttB, "pub-b", "pub-secret");
        await().atMost(CONVERGE).untilAsserted(() -> {
            publisher.publish("t/probe", "probe".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(received).contains("probe");
        });
        for (int i = 0; i < 100; i++) {
            publisher.publish("t/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(CONVERGE).until(() -> received.stream().filter(m -> m.startsWith("m")).count() == 100);
        network.assertNoUnexpectedErrors(null);
    }

    /**
     * Rotation without restart: site-b's certificate and key are replaced on disk (a new certificate from the same CA)
     * while a TCP stream runs through site-b's link. The stream carries on to the last byte; the router logs that it
     * reloaded; and once the hub restarts, site-b links again with the new files, the old ones being gone.
     */
    @Test
    void shouldKeepAStreamWhileCertificatesRotateAndLinkWithTheNewOnes() throws Exception {
        Path ca = dir.resolve("ca");
        ok("certs", "ca", "--network", "acme", "--out", ca.toString());
        ok("certs", "issue", "--ca", ca.toString(), "--router", "hub", "--out", dir.toString());
        ok("certs", "issue", "--ca", ca.toString(), "--router", "site-b", "--out", dir.toString());
        int hubPort = FreePorts.next();
        int tcpB = FreePorts.next();
        ServerSocket echo = Servers.echo();
        closeables.add(echo);
        String tls = "tls:\n  ca: ca.crt\n  cert: %s.crt\n  key: %s.key\n";
        RouterProcess hub = network.launch("hub", "router:\n  id: hub\n  network: acme\nlisten:\n  - host: 127.0.0.1\n"
                + "    port: " + hubPort + "\n" + management() + tls.formatted("hub", "hub")
                + TcpAdaptorIT.connector("echo", echo.getLocalPort()));
        RouterProcess b = network.launch("site-b", "router:\n  id: site-b\n  network: acme\npeers:\n"
                + "  - host: 127.0.0.1\n    port: " + hubPort + "\n" + management() + tls.formatted("site-b", "site-b")
                + TcpAdaptorIT.listener("echo", tcpB));
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(b, "echo").contains("hub"));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpB)) {
            socket.setSoTimeout(30_000);
            AtomicBoolean rotated = new AtomicBoolean();
            CRC32 sent = new CRC32();
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                byte[] chunk = new byte[64 << 10];
                Random random = new Random(11);
                long bytes = 0;
                try {
                    while (!rotated.get() || bytes < (8 << 20)) { // until well after the rotation
                        random.nextBytes(chunk);
                        socket.getOutputStream().write(chunk);
                        sent.update(chunk);
                        bytes += chunk.length;
                    }
                    socket.shutdownOutput();
                    return bytes;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<long[]> reader = CompletableFuture.supplyAsync(() -> {
                CRC32 received = new CRC32();
                byte[] buffer = new byte[64 << 10];
                long bytes = 0;
                try {
                    for (int n; (n = socket.getInputStream().read(buffer)) >= 0; bytes += n) {
                        received.update(buffer, 0, n);
                    }
                    return new long[] {bytes, received.getValue()};
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            ok("certs", "issue", "--ca", ca.toString(), "--router", "site-b", "--out", dir.toString(), "--force");
            await().atMost(CONVERGE).until(() -> b.logText().contains("link credentials reloaded"));
            rotated.set(true);

            long written = writer.get(60, TimeUnit.SECONDS);
            long[] back = reader.get(60, TimeUnit.SECONDS);
            assertThat(back[0]).as("bytes echoed across the rotation").isEqualTo(written);
            assertThat(back[1]).as("checksum").isEqualTo(sent.getValue());
        }

        hub.kill();
        await().atMost(CONVERGE).until(() -> !TcpAdaptorIT.addressRouters(b, "echo").contains("hub"));
        hub.restart();
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(b, "echo").contains("hub"));
        byte[] payload = "after rotation\n".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpB)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(payload);
            socket.shutdownOutput();
            assertThat(socket.getInputStream().readAllBytes()).isEqualTo(payload);
        }
        network.assertNoUnexpectedErrors(null);
    }

    /** A 3.1.1 client; with {@code password} not null, as user "pub". */
    private MqttClient mqtt(int port, String clientId, String password) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        // Paho's synchronous publish returns on PUBACK before its callback thread lowers the in-flight count, so a
        // publishing loop can outrun it and fail with "Too many publishes in progress" at the default of 10.
        options.setMaxInflight(1_000);
        if (password != null) {
            options.setUserName("pub");
            options.setPassword(password.toCharArray());
        }
        client.connect(options);
        closeables.add(() -> {
            if (client.isConnected()) {
                client.disconnect(1_000);
            }
            client.close();
        });
        return client;
    }

    @Test
    void shouldRefuseExpiredAndTamperedTokens() throws Exception {
        Path ca = dir.resolve("ca");
        ok("certs", "ca", "--network", "acme", "--out", ca.toString());

        Path expiring = dir.resolve("expiring.token");
        ok("token", "create", "--ca", ca.toString(), "--router", "site-e", "--peer", "127.0.0.1:1", "--expires", "1s",
                "--out", expiring.toString());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            CommandRun.Result result = vanrouter("token", "redeem", expiring.toString(), "--config",
                    dir.resolve("e.yaml").toString());
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output()).contains(expiring + " expired at ")
                    .contains("ask the network's operator for a new token for router site-e");
        });

        Path forged = dir.resolve("forged.token");
        ok("token", "create", "--ca", ca.toString(), "--router", "site-f", "--peer", "127.0.0.1:1", "--out",
                forged.toString());
        String text = Files.readString(forged);
        int from = text.indexOf(BEGIN) + BEGIN.length();
        int to = text.indexOf(END);
        String payload = new String(Base64.getMimeDecoder().decode(text.substring(from, to)), StandardCharsets.UTF_8);
        String changed = payload.replace("\"peerPort\":1", "\"peerPort\":2");
        assertThat(changed).isNotEqualTo(payload);
        Files.writeString(forged, text.substring(0, from) + "\n"
                + Base64.getMimeEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8)) + "\n"
                + text.substring(to));
        CommandRun.Result tampered = vanrouter("token", "redeem", forged.toString(), "--config", dir.resolve("f.yaml").toString());
        assertThat(tampered.exitCode()).isNotZero();
        assertThat(tampered.output()).contains(forged + " has been altered");
        assertThat(dir.resolve("f.yaml")).doesNotExist();
    }
}
