package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site whose only way out is an HTTP CONNECT proxy (tinyproxy from Debian, with Basic credentials and CONNECT
 * allowed only to the interior router's port): router b dials router a through it, and TCP streams and MQTT messages
 * cross the tunnelled link. The proxy's own log proves the link and its data connections went through it. A wrong
 * proxy password is reported once, clearly, in b's log and status, and b keeps trying.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(90)
class HttpProxyIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    /** tinyproxy -d logs each request as "Request (file descriptor 7): CONNECT 127.0.0.1:20345 HTTP/1.1". */
    private static final Pattern CONNECT_LINE = Pattern.compile("Request \\(file descriptor \\d+\\): CONNECT (\\S+) ");

    @TempDir
    Path dir;
    private TestNetwork network;
    private Process proxy;
    private Path proxyLog;
    private int proxyPort;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
        network.enableMqtt();
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        if (proxy != null) {
            proxy.destroy();
            if (!proxy.waitFor(5, TimeUnit.SECONDS)) {
                proxy.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts tinyproxy in the foreground: loopback only, user/password, CONNECT only to {@code connectPort}. */
    private void startTinyproxy(int connectPort) throws Exception {
        assertThat(Path.of("/usr/bin/tinyproxy")).as("tinyproxy is installed (apt-get install tinyproxy; .ci/run"
                + " installs it)").exists();
        proxyPort = FreePorts.next();
        Path config = dir.resolve("tinyproxy.conf");
        Files.writeString(config, String.join("\n",
                "Port " + proxyPort,
                "Listen 127.0.0.1",
                "Timeout 600",
                "MaxClients 100",
                "LogLevel Connect",
                "Allow 127.0.0.1",
                "BasicAuth user password",
                "ConnectPort " + connectPort,
                ""));
        proxyLog = dir.resolve("tinyproxy.log");
        proxy = new ProcessBuilder("tinyproxy", "-d", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(proxyLog.toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(proxy.isAlive()).as("tinyproxy running; its log:\n%s", proxyLogText()).isTrue();
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), proxyPort)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private String proxyLogText() throws IOException {
        return Files.exists(proxyLog) ? Files.readString(proxyLog, StandardCharsets.UTF_8) : "";
    }

    /** The targets of the CONNECT requests tinyproxy has logged, in order. */
    private List<String> connectTargets() throws IOException {
        List<String> targets = new ArrayList<>();
        Matcher matcher = CONNECT_LINE.matcher(proxyLogText());
        while (matcher.find()) {
            targets.add(matcher.group(1));
        }
        return targets;
    }

    /** Router b: no listener of its own that a could dial, one peer (a) through the proxy, and {@code extra}. */
    private RouterProcess startBehindProxy(String credentials, String extra) throws IOException {
        Files.writeString(dir.resolve("proxy.creds"), credentials + "\n");
        String yaml = network.yaml("b", "b", "it", List.of())
                + "peers:\n  - host: 127.0.0.1\n    port: " + network.listenPort("a") + "\n"
                + "    proxy: http://127.0.0.1:" + proxyPort + "\n    proxyCredentialsFile: proxy.creds\n" + extra;
        return network.launch("b", yaml);
    }

    private static List<JsonNode> links(RouterProcess router) {
        List<JsonNode> links = new ArrayList<>();
        router.status().ifPresent(status -> status.path("links").forEach(links::add));
        return links;
    }

    @Test
    void shouldJoinThroughTheProxyAndCarryTcpAndMqtt() throws Exception {
        ServerSocket echo = Servers.echo();
        closeables.add(echo);
        startTinyproxy(network.listenPort("a"));
        network.startWith("a", TcpAdaptorIT.connector("echo", echo.getLocalPort()));
        int tcpPort = FreePorts.next();
        RouterProcess b = startBehindProxy("user:password", TcpAdaptorIT.listener("echo", tcpPort));

        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(b, "echo").contains("a"));
        String aAddress = "127.0.0.1:" + network.listenPort("a");
        // The link's data connections may still be handshaking through the proxy (a row of their own until then).
        await().atMost(CONVERGE).untilAsserted(() -> assertThat(links(b)).singleElement().satisfies(link -> {
            assertThat(link.path("peer").asText()).isEqualTo("a");
            assertThat(link.path("remote").asText()).isEqualTo(aAddress + " via proxy 127.0.0.1:" + proxyPort);
        }));

        byte[] payload = new byte[4 << 20];
        new Random(11).nextBytes(payload);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            client.setSoTimeout(30_000);
            byte[] back = Servers.roundTrip(client, payload, 30);
            assertThat(sha256(back)).as("4 MiB echoed through the tunnelled link").isEqualTo(sha256(payload));
        }

        BlockingQueue<String> received = new ArrayBlockingQueue<>(100);
        MqttClient subscriber = mqtt("b", "sub-b");
        subscriber.subscribe("site/#", 1, (topic, message) -> received.add(topic + "=" + new String(
                message.getPayload(), StandardCharsets.UTF_8)));
        MqttClient publisher = mqtt("a", "pub-a");
        await().atMost(CONVERGE).until(() -> {
            publisher.publish("site/probe", "hello".getBytes(StandardCharsets.UTF_8), 1, false);
            return received.poll(200, TimeUnit.MILLISECONDS) != null;
        });
        publisher.publish("site/temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(CONVERGE).until(() -> received.contains("site/temp=21.5"));

        // The link and every data connection of b went through the proxy, and only to a.
        int dataConnections = links(b).get(0).path("dataConnections").asInt();
        assertThat(dataConnections).isPositive();
        assertThat(connectTargets()).hasSizeGreaterThanOrEqualTo(1 + dataConnections).containsOnly(aAddress);
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldReportAWrongProxyPasswordClearlyAndKeepTrying() throws Exception {
        startTinyproxy(network.listenPort("a"));
        network.start("a");
        RouterProcess b = startBehindProxy("user:not-the-password", "");

        String refusal = "proxy refused: 401 Unauthorized (wrong or missing proxy credentials)";
        String peer = "peer 127.0.0.1:" + network.listenPort("a") + " via proxy 127.0.0.1:" + proxyPort;
        await().atMost(CONVERGE).until(() -> b.logText().contains(peer + " not reached: " + refusal));
        await().atMost(CONVERGE).until(() -> links(b).stream()
                .anyMatch(link -> refusal.equals(link.path("lastError").asText())));
        int attempts = connectTargets().size();
        await().atMost(CONVERGE).until(() -> connectTargets().size() >= attempts + 3); // b keeps trying

        assertThat(b.logText().lines().filter(line -> line.contains(refusal) && line.contains("WARN")))
                .as("one WARN, not one per attempt").hasSize(1);
        assertThat(b.logText()).doesNotContain("not-the-password");
        assertThat(network.router("a").status().orElseThrow().path("links")).isEmpty();
        network.assertNoUnexpectedErrors(null);
    }

    private MqttClient mqtt(String router, String clientId) throws Exception {
        MqttClient client = new MqttClient(network.mqttUri(router), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        client.connect(options);
        closeables.add(() -> {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        });
        return client;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
