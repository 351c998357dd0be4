package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 (metrics, probes, flow log, JSON logging) with real router processes in a line a - b - c: a TCP listener
 * and an MQTT publisher at a, the TCP server and an MQTT subscriber at c. {@code /metrics} is parsed by the official
 * Python client's text-format parser.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
class ObservabilityIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int PAYLOAD_BYTES = 200_000;
    private static final int MESSAGES = 50;

    /** Families every router exposes, whatever its adaptors. */
    private static final List<String> ROUTER_FAMILIES = List.of("vanrouter_router_info", "vanrouter_link_state",
            "vanrouter_link_cost", "vanrouter_link_data_connections", "vanrouter_link_received_bytes",
            "vanrouter_link_sent_bytes", "vanrouter_link_received_frames", "vanrouter_link_sent_frames",
            "vanrouter_link_established", "vanrouter_link_lost", "vanrouter_link_refusals_sent",
            "vanrouter_link_refusals_received", "vanrouter_link_faults", "vanrouter_routing_spf_runs",
            "vanrouter_routing_spf_seconds", "vanrouter_routing_tables", "vanrouter_routing_link_state_updates",
            "vanrouter_routing_link_state_changes", "vanrouter_routing_link_state_originated",
            "vanrouter_routing_convergence_seconds", "vanrouter_route_cost", "vanrouter_routers_unreachable",
            "vanrouter_core_commands_rejected", "vanrouter_core_commands_failed",
            "vanrouter_address_local_consumers", "vanrouter_address_consumers", "vanrouter_topic_filters",
            "vanrouter_address_messages_received", "vanrouter_address_messages_sent",
            "vanrouter_address_messages_dropped", "vanrouter_message_drops", "vanrouter_tcp_bytes", "vanrouter_tcp_stream_resets", "vanrouter_uptime_seconds", "vanrouter_netty_allocator_bytes",
            "vanrouter_netty_direct_bytes", "jvm_memory_used_bytes", "jvm_buffer_pool_used_bytes",
            "jvm_threads_current", "jvm_gc_collection_seconds");
    /** Families of a router with a TCP adaptor (a and c; b has none). */
    private static final List<String> TCP_ADAPTOR_FAMILIES = List.of("vanrouter_tcp_connections_accepted",
            "vanrouter_tcp_connections_opened", "vanrouter_tcp_connections_refused",
            "vanrouter_tcp_connections_failed", "vanrouter_tcp_connector_connections",
            "vanrouter_tcp_connector_failures");
    private static final List<String> MQTT_FAMILIES = List.of("vanrouter_mqtt_clients",
            "vanrouter_mqtt_subscriptions", "vanrouter_mqtt_qos1_in_flight", "vanrouter_mqtt_connections",
            "vanrouter_mqtt_connections_refused", "vanrouter_mqtt_authentication_failures",
            "vanrouter_mqtt_messages_received", "vanrouter_mqtt_messages_delivered", "vanrouter_mqtt_refusals",
            "vanrouter_mqtt_queue_drops", "vanrouter_mqtt_publisher_pauses", "vanrouter_mqtt_slow_subscribers",
            "vanrouter_mqtt_keep_alive_timeouts", "vanrouter_mqtt_wills_sent");

    @TempDir
    Path dir;
    private TestNetwork network;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
        network.enableMqtt();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (AutoCloseable closeable : closeables) {
                closeable.close();
            }
        } finally {
            network.close(); // the router processes go even when a client fails to close
        }
    }

    @Test
    void shouldExposeEveryFamilyMovingUnderTrafficWithFlowLogAndJsonLogs() throws Exception {
        ServerSocket echo = Servers.echo();
        closeables.add(echo);
        int tcpPort = FreePorts.next();
        Path flowsA = dir.resolve("flows-a.log");
        RouterProcess a = network.startWith("a", TcpAdaptorIT.listener("echo", tcpPort)
                + "flowLog:\n  file: " + flowsA + "\n", "b");
        RouterProcess b = network.startWith("b", "logging:\n  format: json\n  levels:\n    vanrouter.linkstate: debug\n",
                "c");
        await().atMost(CONVERGE).until(() -> a.routeTo("b").equals("b/1"));
        PrometheusText before = scrape(a);

        RouterProcess c = network.startWith("c", TcpAdaptorIT.connector("echo", echo.getLocalPort()));
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(a, "echo").contains("c"));
        try (Socket held = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            held.setTcpNoDelay(true);
            // open, silent, until closed: the gauge of live streams counts it at a and c
            await().atMost(CONVERGE).until(() -> scrape(a).sum("vanrouter_tcp_connections_open", "address=echo",
                    "role=listener", "listener_site=a", "connector_site=c") == 1
                    && scrape(c).sum("vanrouter_tcp_connections_open", "address=echo", "role=connector",
                    "listener_site=a", "connector_site=c") == 1);
        }
        byte[] payload = new byte[PAYLOAD_BYTES];
        new Random(10).nextBytes(payload);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            socket.setSoTimeout(30_000);
            byte[] back = Servers.roundTrip(socket, payload, 60);
            assertThat(Arrays.equals(back, payload)).as("echo through a-b-c intact").isTrue();
        }
        mqttTraffic();
        await().atMost(CONVERGE).until(() -> scrape(a).sum("vanrouter_tcp_connections_open") == 0);
        PrometheusText after = scrape(a);

        for (RouterProcess router : List.of(a, b, c)) {
            PrometheusText text = scrape(router);
            assertThat(text.families().keySet()).as("families of %s", router.id).containsAll(ROUTER_FAMILIES)
                    .containsAll(MQTT_FAMILIES);
            assertThat(text.sum("vanrouter_router_info", "router=" + router.id)).isEqualTo(1);
            if (router != b) {
                assertThat(text.families().keySet()).as("TCP families of %s", router.id)
                        .containsAll(TCP_ADAPTOR_FAMILIES);
            }
        }
        assertThat(after.family("vanrouter_link_sent_bytes").type()).isEqualTo("counter");
        assertMoved(before, after, "vanrouter_link_sent_bytes", "peer=b");
        assertMoved(before, after, "vanrouter_link_received_bytes", "peer=b");
        assertMoved(before, after, "vanrouter_link_sent_frames", "peer=b");
        assertMoved(before, after, "vanrouter_link_received_frames", "peer=b");
        assertThat(after.sum("vanrouter_link_state", "peer=b", "state=active")).isEqualTo(1);
        assertThat(after.sum("vanrouter_link_cost", "peer=b")).isEqualTo(1);
        assertThat(after.sum("vanrouter_link_established", "peer=b")).isGreaterThanOrEqualTo(1);
        assertMoved(before, after, "vanrouter_routing_spf_runs");
        assertMoved(before, after, "vanrouter_routing_link_state_changes");
        assertMoved(before, after, "vanrouter_routing_tables");
        assertThat(after.sum("vanrouter_routing_convergence_seconds")).isBetween(0.0, 5.0);
        assertThat(after.sum("vanrouter_route_cost", "destination=c", "next_hop=b")).isEqualTo(2);
        assertThat(after.sum("vanrouter_address_consumers", "address=echo", "site=c")).isEqualTo(1);
        assertMoved(before, after, "vanrouter_tcp_connections_accepted", "address=echo");
        assertMoved(before, after, "vanrouter_tcp_connections_opened", "address=echo");
        assertThat(after.sum("vanrouter_tcp_bytes", "address=echo", "role=listener", "direction=to_connector"))
                .isEqualTo(PAYLOAD_BYTES);
        assertThat(after.sum("vanrouter_tcp_bytes", "address=echo", "role=listener", "direction=to_listener"))
                .isEqualTo(PAYLOAD_BYTES);
        assertMoved(before, after, "vanrouter_mqtt_messages_received");
        assertMoved(before, after, "vanrouter_mqtt_connections");
        assertMoved(before, after, "vanrouter_address_messages_received", "address=it/metrics");
        assertThat(after.sum("vanrouter_flow_log_records")).isGreaterThanOrEqualTo(1);
        assertThat(after.sum("jvm_memory_used_bytes", "area=heap")).isPositive();
        PrometheusText atC = scrape(c);
        assertThat(atC.sum("vanrouter_tcp_connector_connections", "address=echo")).isEqualTo(2);
        assertThat(atC.sum("vanrouter_mqtt_messages_delivered")).isGreaterThanOrEqualTo(MESSAGES);
        assertThat(atC.sum("vanrouter_mqtt_subscriptions")).isEqualTo(1);
        assertThat(atC.sum("vanrouter_mqtt_clients")).isEqualTo(1);
        assertThat(atC.sum("vanrouter_address_local_consumers", "address=echo")).isEqualTo(1);

        for (RouterProcess router : List.of(a, b, c)) {
            HttpResponse<String> ready = get(router, "/readyz");
            assertThat(ready.statusCode()).as("readyz of %s", router.id).isEqualTo(200);
            assertThat(JSON.readTree(ready.body()).path("ready").asBoolean()).isTrue();
        }

        assertTcpFlowLine(flowsA);
        assertMqttFlowLine(flowsA);
        assertJsonLogLines(b);
        network.assertNoUnexpectedErrors(null);
    }

    /** A subscriber at c, a publisher at a sending {@link #MESSAGES} QoS 1 messages, both disconnecting after. */
    private void mqttTraffic() throws Exception {
        AtomicInteger received = new AtomicInteger();
        MqttClient subscriber = new MqttClient(network.mqttUri("c"), "sub-c", new MemoryPersistence());
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.incrementAndGet();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        // Paho's synchronous publish returns on PUBACK before its callback thread lowers the in-flight count, so a
        // publishing loop can outrun it and fail with "Too many publishes in progress" at the default of 10.
        options.setMaxInflight(1_000);
        subscriber.connect(options);
        subscriber.subscribe("it/#", 1);
        closeables.add(() -> {
            subscriber.disconnect();
            subscriber.close();
        });
        MqttClient publisher = new MqttClient(network.mqttUri("a"), "pub-a", new MemoryPersistence());
        publisher.connect(options);
        await().atMost(CONVERGE).until(() -> {
            publisher.publish("it/metrics", "probe".getBytes(StandardCharsets.UTF_8), 1, false);
            return received.get() > 0; // the subscription has reached a
        });
        int start = received.get();
        for (int i = 0; i < MESSAGES; i++) {
            publisher.publish("it/metrics", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(CONVERGE).until(() -> received.get() >= start + MESSAGES);
        publisher.disconnect();
        publisher.close();
    }

    private void assertTcpFlowLine(Path flows) throws Exception {
        // the held connection (no bytes) ended first; the echoed payload's line is the one with its bytes
        await().atMost(CONVERGE).until(() -> lines(flows).stream().filter(l -> l.path("kind").asText().equals("tcp"))
                .count() == 2);
        JsonNode line = lines(flows).stream().filter(l -> l.path("kind").asText().equals("tcp")
                && l.path("bytesToConnector").asLong() == PAYLOAD_BYTES).findFirst().orElseThrow();
        assertThat(line.path("router").asText()).isEqualTo("a");
        assertThat(line.path("role").asText()).isEqualTo("listener");
        assertThat(line.path("address").asText()).isEqualTo("echo");
        assertThat(line.path("listenerSite").asText()).isEqualTo("a");
        assertThat(line.path("connectorSite").asText()).isEqualTo("c");
        assertThat(line.path("nextHop").asText()).isEqualTo("b");
        assertThat(line.path("opened").asBoolean()).isTrue();
        assertThat(line.path("bytesToListener").asLong()).isEqualTo(PAYLOAD_BYTES);
        assertThat(line.path("end").asText()).isEqualTo("normal");
        assertThat(line.path("durationMillis").asLong()).isNotNegative();
        assertThat(line.path("client").asText()).startsWith("socket 127.0.0.1:");
    }

    private void assertMqttFlowLine(Path flows) throws Exception {
        await().atMost(CONVERGE).until(() -> lines(flows).stream().anyMatch(l -> l.path("clientId").asText()
                .equals("pub-a")));
        JsonNode line = lines(flows).stream().filter(l -> l.path("clientId").asText().equals("pub-a")).findFirst()
                .orElseThrow();
        assertThat(line.path("kind").asText()).isEqualTo("mqtt");
        assertThat(line.path("messagesIn").asLong()).isGreaterThanOrEqualTo(MESSAGES + 1);
        assertThat(line.path("messagesOut").asLong()).isZero();
        assertThat(line.path("end").asText()).isEqualTo("disconnect");
        assertThat(line.path("protocol").asText()).isEqualTo("MQTT_3_1_1");
    }

    private void assertJsonLogLines(RouterProcess b) throws Exception {
        List<JsonNode> json = new ArrayList<>();
        for (String line : b.logText().split("\n")) {
            if (line.startsWith("{")) {
                json.add(JSON.readTree(line));
            }
        }
        assertThat(json).as("JSON lines in b's log").isNotEmpty();
        assertThat(json).anySatisfy(node -> {
            assertThat(node.path("context").path("properties").path("routerId").asText()).isEqualTo("b");
            assertThat(node.path("formattedMessage").asText()).contains("router started");
            assertThat(node.path("level").asText()).isEqualTo("INFO");
        });
        // logging.levels: vanrouter.linkstate at DEBUG (logback.xml says INFO) shows its debug lines
        assertThat(json).anySatisfy(node -> {
            assertThat(node.path("loggerName").asText()).isEqualTo("vanrouter.linkstate");
            assertThat(node.path("level").asText()).isEqualTo("DEBUG");
        });
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (!Files.exists(file)) {
            return nodes;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    private static void assertMoved(PrometheusText before, PrometheusText after, String family, String... labels) {
        assertThat(after.sum(family, labels)).as("%s%s after traffic", family, Arrays.toString(labels))
                .isGreaterThan(before.sum(family, labels));
    }

    private PrometheusText scrape(RouterProcess router) throws Exception {
        HttpResponse<String> response = get(router, "/metrics");
        assertThat(response.statusCode()).as("/metrics of %s", router.id).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return PrometheusText.parse(response.body(), dir);
    }

    private static HttpResponse<String> get(RouterProcess router, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.managementPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
