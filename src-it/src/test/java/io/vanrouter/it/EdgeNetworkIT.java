package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.daemon.RouterDaemon;
import io.vanrouter.daemon.SharedResources;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.mgmt.StatusReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * Two interior routers (processes) and twenty edge routers (in this JVM, real sockets: twenty JVMs would cost
 * gigabytes; on shared event loops, as {@code run --config ... --config ...} runs them). Every edge dials both interiors; the cheaper one, i1, is its active uplink. Ten edges have a TCP connector for an
 * address of their own and ten a listener for one of those addresses, so every stream goes edge to interior to edge;
 * one edge's MQTT subscriber receives what clients of the other nineteen publish. Killing the active interior moves
 * every edge to the other at once, and traffic resumes. The interiors never run SPF because edges come or go.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
class EdgeNetworkIT {
    private static final int EDGES = 20;
    private static final int PAIRS = EDGES / 2;
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Pattern SPF_RUNS = Pattern.compile("(?m)^vanrouter_routing_spf_runs(?:_total)?(?:\\{[^}]*\\})? (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    TestNetwork network;
    private final List<RouterDaemon> edges = new ArrayList<>();
    /** The edges' event loops and management threads, shared as {@code run --config ... --config ...} shares them. */
    private SharedResources shared;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final int[] listenerPorts = new int[PAIRS];
    private final int[] mqttPorts = new int[EDGES];

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
        network.enableMqtt();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (RouterDaemon edge : edges) {
            edge.close();
        }
        if (shared != null) {
            shared.close();
        }
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        network.close();
    }

    /** Edge {@code k}: a connector for {@code svc-k} (k < 10) or a listener for {@code svc-(k-10)}; MQTT; both uplinks. */
    private String edgeYaml(int k, int serverPort) {
        StringBuilder y = new StringBuilder();
        y.append("router:\n  id: e").append(k).append("\n  mode: edge\n  network: it\n");
        y.append("peers:\n");
        // i1 is the primary (cheaper), i2 the backup.
        y.append("  - host: 127.0.0.1\n    port: ").append(network.listenPort("i1")).append("\n    cost: 1\n");
        y.append("  - host: 127.0.0.1\n    port: ").append(network.listenPort("i2")).append("\n    cost: 2\n");
        y.append("management:\n  host: 127.0.0.1\n  port: ").append(FreePorts.next()).append('\n');
        y.append("tls:\n  insecure: true\n");
        y.append("routing:\n  helloIntervalMillis: 1000\n  deadIntervalMillis: 3000\n");
        y.append("  reconnectInitialMillis: 100\n  reconnectMaxMillis: 1000\n");
        y.append("mqtt:\n  listen:\n    host: 127.0.0.1\n    port: ").append(mqttPorts[k]).append('\n');
        if (k < PAIRS) {
            y.append(TcpAdaptorIT.connector("svc-" + k, serverPort));
        } else {
            y.append(TcpAdaptorIT.listener("svc-" + (k - PAIRS), listenerPorts[k - PAIRS]));
        }
        return y.toString();
    }

    private void startEdges() throws Exception {
        for (int k = 0; k < EDGES; k++) {
            mqttPorts[k] = FreePorts.next();
        }
        for (int k = 0; k < PAIRS; k++) {
            listenerPorts[k] = FreePorts.next();
        }
        List<RouterConfig> configs = new ArrayList<>();
        for (int k = 0; k < EDGES; k++) {
            int serverPort = 0;
            if (k < PAIRS) {
                ServerSocket server = Servers.greeting("e" + k);
                closeables.add(server);
                serverPort = server.getLocalPort();
            }
            Path config = dir.resolve("e" + k + ".yaml");
            Files.writeString(config, edgeYaml(k, serverPort));
            configs.add(ConfigLoader.parse(Files.readString(config), config));
        }
        shared = SharedResources.forRouters(configs);
        for (RouterConfig config : configs) {
            edges.add(RouterDaemon.start(config, shared));
        }
    }

    private static StatusReport status(RouterDaemon router) throws Exception {
        return router.status().get(10, TimeUnit.SECONDS);
    }

    /** The uplink edge {@code router} uses now, from its status ("uplink (active)"), if any. */
    private static Optional<String> activeUplink(RouterDaemon router) throws Exception {
        return status(router).links().stream().filter(link -> "uplink (active)".equals(link.state()))
                .map(StatusReport.Link::peer).findFirst();
    }

    private static long edgeLinks(RouterProcess interior) {
        return interior.status().map(s -> {
            long count = 0;
            for (var link : s.path("links")) {
                if ("edge".equals(link.path("state").asText())) {
                    count++;
                }
            }
            return count;
        }).orElse(-1L);
    }

    /** The interior's SPF runs as {@code /metrics} counts them; -1 when it does not answer. */
    private static long spfRuns(RouterProcess interior) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + interior.managementPort
                    + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build();
            String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = SPF_RUNS.matcher(body);
            return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** What the greeting server behind {@code svc-k} says through edge {@code 10+k}'s listener; empty on failure. */
    private String greetingThrough(int pair) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listenerPorts[pair])) {
            socket.setSoTimeout(5_000);
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            return "";
        }
    }

    private MqttClient mqtt(int edge, String clientId) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + mqttPorts[edge], clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
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
    void shouldCarryTcpAndMqttEdgeToEdgeAndMoveEveryEdgeWithinOneSecondWhenItsUplinkDies() throws Exception {
        RouterProcess i1 = network.start("i1");
        RouterProcess i2 = network.start("i2", "i1");
        await().atMost(CONVERGE).until(() -> i1.routeTo("i2").equals("i2/1") && i2.routeTo("i1").equals("i1/1"));
        long[] spfBefore = {spfRuns(i1), spfRuns(i2)};
        assertThat(spfBefore).as("interiors report their SPF runs").doesNotContain(-1L);

        startEdges();
        await().atMost(CONVERGE).until(() -> edgeLinks(i1) == EDGES && edgeLinks(i2) == EDGES);
        for (RouterDaemon edge : edges) {
            assertThat(activeUplink(edge)).as("%s uses its cheaper uplink", edge.routerId()).contains("i1");
        }
        // i2 learns the edges' connectors from i1, which advertises them as its own.
        await().atMost(CONVERGE).until(() -> {
            for (int k = 0; k < PAIRS; k++) {
                if (!TcpAdaptorIT.addressRouters(i2, "svc-" + k).contains("i1")) {
                    return false;
                }
            }
            return true;
        });
        assertThat(new long[] {spfRuns(i1), spfRuns(i2)}).as("twenty edges attached without SPF")
                .containsExactly(spfBefore);

        for (int k = 0; k < PAIRS; k++) {
            int pair = k;
            await().atMost(CONVERGE).until(() -> greetingThrough(pair).equals("e" + pair));
        }

        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = mqtt(0, "sub-e0");
        subscriber.subscribe("edges/#", 1, (topic, message) -> received.add(topic + "="
                + new String(message.getPayload(), StandardCharsets.UTF_8)));
        List<MqttClient> publishers = new ArrayList<>();
        for (int k = 1; k < EDGES; k++) {
            publishers.add(mqtt(k, "pub-e" + k));
        }
        await().atMost(CONVERGE).until(() -> {
            publish(publishers, "before");
            return received.size() == EDGES - 1;
        });

        long killedAt = System.nanoTime();
        i1.kill();
        long[] movedAfterMillis = new long[EDGES];
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
            boolean all = true;
            for (int k = 0; k < EDGES; k++) {
                if (movedAfterMillis[k] == 0 && activeUplink(edges.get(k)).filter("i2"::equals).isPresent()) {
                    movedAfterMillis[k] = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                }
                all &= movedAfterMillis[k] > 0;
            }
            return all;
        });
        long slowest = java.util.Arrays.stream(movedAfterMillis).max().orElseThrow();
        System.out.printf("EdgeNetworkIT: %d edges on their other uplink %d ms after the kill (slowest)%n", EDGES,
                slowest);
        assertThat(slowest).as("every edge moved within 1 s of losing its uplink").isLessThanOrEqualTo(1_000);

        // Traffic resumes through i2: the connectors are advertised by i2 now, streams and messages cross it.
        for (int k = 0; k < PAIRS; k++) {
            int pair = k;
            await().atMost(CONVERGE).until(() -> greetingThrough(pair).equals("e" + pair));
        }
        await().atMost(CONVERGE).until(() -> {
            publish(publishers, "after");
            return received.stream().filter(entry -> entry.endsWith("=after")).count() == EDGES - 1;
        });

        // Edges leaving and coming back run no SPF on the interior left.
        long spfSettled = spfRuns(i2);
        for (int k = 0; k < 5; k++) {
            edges.get(PAIRS + k).close();
        }
        await().atMost(CONVERGE).until(() -> edgeLinks(i2) == EDGES - 5);
        assertThat(spfRuns(i2)).as("five edges left without SPF").isEqualTo(spfSettled);
        network.assertNoUnexpectedErrors(null);
    }

    private static void publish(List<MqttClient> publishers, String payload) throws Exception {
        for (MqttClient publisher : publishers) {
            String id = publisher.getClientId().substring("pub-".length());
            publisher.publish("edges/" + id, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        }
    }
}
