package io.vanrouter.transport.adaptor.mqtt;

import static org.awaitility.Awaitility.await;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.TopicRoute;
import io.vanrouter.transport.CoreLoop;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.tls.ServerTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Real routers on 127.0.0.1 in one JVM (transport, core thread, MQTT adaptor each), for MQTT tests. */
final class MqttTestNetwork implements AutoCloseable {
    static final Duration CONVERGE = Duration.ofSeconds(20);
    private static final AtomicLong INSTANCES = new AtomicLong(System.currentTimeMillis());

    record Node(String id, TransportServer server, CoreLoop core, MqttAdaptor mqtt) {
        int linkPort() {
            return server.boundAddresses().get(0).getPort();
        }

        String uri() {
            return "tcp://127.0.0.1:" + mqtt.boundAddress().getPort();
        }

        TopicRoute route(String topic) {
            return core.addressView().routeTopic(topic);
        }
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final AddressRules rules;
    private final int maxFrameBytes;
    private final int maxMessageBytes;

    MqttTestNetwork() {
        this(AddressRules.none());
    }

    MqttTestNetwork(AddressRules rules) {
        this(rules, TransportSettings.MAX_FRAME_BYTES_DEFAULT, MqttSettings.MAX_MESSAGE_BYTES_DEFAULT);
    }

    /** Routers with these limits; unlike a configuration file, nothing checks that they agree. */
    MqttTestNetwork(AddressRules rules, int maxFrameBytes, int maxMessageBytes) {
        this.rules = rules;
        this.maxFrameBytes = maxFrameBytes;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Starts router {@code id} dialing the already started routers {@code peers}. */
    Node start(String id, String... peers) throws Exception {
        return start(id, null, peers);
    }

    /** Starts router {@code id}, its MQTT listener with {@code tls} (null: plain), dialing {@code peers}. */
    Node start(String id, ServerTls tls, String... peers) throws Exception {
        return startWith(id, mqtt -> mqtt.tls(tls), peers);
    }

    /** Starts router {@code id}, its MQTT adaptor set up by {@code setup} before start, dialing {@code peers}. */
    Node startWith(String id, Consumer<MqttAdaptor> setup, String... peers) throws Exception {
        long instance = INSTANCES.incrementAndGet();
        List<Endpoint> dial = new ArrayList<>();
        for (String peer : peers) {
            dial.add(new Endpoint("127.0.0.1", nodes.get(peer).linkPort(), 1));
        }
        TransportSettings settings = new TransportSettings(id, instance, "mqtt-test", RouterMode.INTERIOR,
                List.of(new Endpoint("127.0.0.1", 0, 1)), dial, 5_000, maxFrameBytes,
                50, 500);
        TransportServer server = new TransportServer(settings);
        CoreLoop core = new CoreLoop(CoreSettings.defaults(id, instance).withHello(500, 5_000), rules,
                server.controlSender());
        core.start();
        MqttAdaptor mqtt = new MqttAdaptor(new MqttSettings("127.0.0.1", 0, maxMessageBytes,
                MqttSettings.RECEIVE_MAXIMUM_DEFAULT, MqttSettings.CONNECT_TIMEOUT_MILLIS_DEFAULT));
        setup.accept(mqtt);
        server.start(core, List.of(mqtt));
        Node node = new Node(id, server, core, mqtt);
        nodes.put(id, node);
        return node;
    }

    /**
     * Starts edge router {@code id} dialing the interior routers {@code uplinks}: the first at cost 1 (its primary),
     * the others at cost 10.
     */
    Node startEdge(String id, String... uplinks) throws Exception {
        long instance = INSTANCES.incrementAndGet();
        List<Endpoint> dial = new ArrayList<>();
        for (String uplink : uplinks) {
            dial.add(new Endpoint("127.0.0.1", nodes.get(uplink).linkPort(), dial.isEmpty() ? 1 : 10));
        }
        TransportSettings settings = new TransportSettings(id, instance, "mqtt-test", RouterMode.EDGE, List.of(),
                dial, 5_000, maxFrameBytes, 50, 500);
        TransportServer server = new TransportServer(settings);
        CoreLoop core = new CoreLoop(CoreSettings.defaults(id, instance).withHello(500, 5_000).withEdge(true), rules,
                server.controlSender());
        core.start();
        MqttAdaptor mqtt = new MqttAdaptor(new MqttSettings("127.0.0.1", 0, maxMessageBytes,
                MqttSettings.RECEIVE_MAXIMUM_DEFAULT, MqttSettings.CONNECT_TIMEOUT_MILLIS_DEFAULT));
        server.start(core, List.of(mqtt));
        Node node = new Node(id, server, core, mqtt);
        nodes.put(id, node);
        return node;
    }

    Node node(String id) {
        return nodes.get(id);
    }

    /** Square a-b-c-d-a with the diagonal a-c. */
    void squareWithDiagonal() throws Exception {
        start("a");
        start("b", "a");
        start("c", "b", "a");
        start("d", "c", "a");
        awaitFullMesh();
    }

    void awaitFullMesh() {
        await().atMost(CONVERGE).until(() -> nodes.values().stream()
                .allMatch(n -> n.core().routingTable().routes().size() == nodes.size() - 1));
    }

    /** Waits until router {@code at} sees non-shared subscribers of {@code topic} on exactly these routers. */
    void awaitSubscribers(String at, String topic, Set<String> remoteRouters) {
        await().atMost(CONVERGE).until(() -> node(at).route(topic).remoteSubscribers().keySet().equals(remoteRouters));
    }

    /** Waits until router {@code at} sees members of shared group {@code group} on exactly these remote routers. */
    void awaitGroup(String at, String topic, String group, Set<String> remoteRouters) {
        await().atMost(CONVERGE).until(() -> node(at).route(topic).groups().stream()
                .anyMatch(g -> g.group().equals(group) && g.remoteMembers().keySet().equals(remoteRouters)));
    }

    /** Stops one router the hard way (no MQTT goodbye, CLOSE to its peers). */
    void stop(String id) {
        Node node = nodes.remove(id);
        if (node != null) {
            node.server().close(); // closes the MQTT adaptor first
            node.core().close();
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(nodes.keySet())) {
            stop(id);
        }
    }
}
