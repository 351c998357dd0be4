package io.vanrouter.daemon.cli;

import com.sun.net.httpserver.HttpServer;
import io.vanrouter.daemon.RouterDaemon;
import io.vanrouter.daemon.mgmt.TraceReport;
import io.vanrouter.daemon.mgmt.Tracer;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * What the demo carries over its routers, to show what a VAN is for: a small HTTP server private to the site with the
 * TCP connector of {@value #SERVICE}, fetched through the listener of another site (with the path the routing table
 * gives), and an MQTT message published at one site and received by a subscriber at another. Everything it starts is
 * closed by {@link #close()}. The demo's main thread only.
 */
final class DemoTraffic implements AutoCloseable {
    static final String SERVICE = "hello";
    static final String TOPIC = "demo/greetings";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 100;

    private final List<RouterDaemon> routers;
    private final PrintWriter out;
    private HttpServer server;
    private String serviceSite;
    private MqttClient subscriber;
    private MqttClient publisher;

    DemoTraffic(List<RouterDaemon> routers, PrintWriter out) {
        this.routers = routers;
        this.out = out;
    }

    /** The TCP connector of {@value #SERVICE} in these configurations, or null when there is none. */
    static TcpConnectorSettings serviceConnector(List<io.vanrouter.daemon.config.RouterConfig> configs) {
        return configs.stream().flatMap(c -> c.tcpConnectors().stream()).filter(c -> c.address().equals(SERVICE))
                .findFirst().orElse(null);
    }

    /**
     * Starts the private HTTP server behind {@code connector} (before the routers, so that the first connection
     * finds it). {@code site} names the router that reaches it.
     */
    void startService(TcpConnectorSettings connector, String site) throws IOException {
        serviceSite = site;
        server = HttpServer.create(new InetSocketAddress(connector.host(), connector.port()), 8);
        byte[] body = ("Hello from " + site + ": this HTTP server listens on " + connector.host() + ":"
                + connector.port() + ", which only " + site + "'s router reaches.\n").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            try (exchange; OutputStream response = exchange.getResponseBody()) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                response.write(body);
            }
        });
        server.start();
    }

    /** Fetches the service through another site's listener and prints the answer and the path; false if it failed. */
    boolean fetch() throws InterruptedException {
        RouterDaemon client = null;
        TcpListenerSettings listener = null;
        int port = -1;
        for (RouterDaemon router : routers) {
            List<TcpListenerSettings> listeners = router.config().tcpListeners();
            for (int i = 0; i < listeners.size(); i++) {
                if (listeners.get(i).address().equals(SERVICE) && client == null) {
                    client = router;
                    listener = listeners.get(i);
                    port = router.tcpListenerAddresses().get(i).getPort();
                }
            }
        }
        if (client == null) {
            out.println("(no router has a TCP listener of '" + SERVICE + "': nothing to fetch)");
            return true;
        }
        RouterDaemon at = client;
        boolean known = until(() -> trace(at).destinations().stream().anyMatch(TraceReport.Destination::selected));
        TraceReport trace = trace(at);
        String url = "http://" + listener.host() + ":" + port + "/";
        out.println("Service: an HTTP server private to " + (serviceSite == null ? "another site" : serviceSite) + " on "
                + (server == null ? "?" : server.getAddress().getHostString() + ":" + server.getAddress().getPort())
                + ", offered to the network as the address '" + SERVICE + "'");
        if (!known) {
            out.println("  " + at.routerId() + " does not know a reachable consumer of '" + SERVICE + "' after "
                    + WAIT.toSeconds() + " s");
            return false;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            out.println("  GET " + url + " at " + at.routerId() + " -> HTTP " + response.statusCode() + ": "
                    + response.body().strip());
        } catch (IOException e) {
            out.println("  GET " + url + " at " + at.routerId() + " failed: " + e);
            return false;
        }
        for (TraceReport.Destination d : trace.destinations()) {
            if (d.selected()) {
                out.println("  path: " + String.join(" > ", d.path()) + " (cost " + d.cost() + ", from "
                        + at.routerId() + "'s routing table; " + trace.distribution() + ")");
            }
        }
        return true;
    }

    private static TraceReport trace(RouterDaemon router) {
        ForwardingView view = router.forwarding();
        return Tracer.trace(SERVICE, view.routes(), view.addresses(), view.generation(), r -> 0);
    }

    /**
     * Subscribes at the last router with an MQTT listener, publishes at the first, and prints what arrived;
     * false if it did not.
     */
    boolean mqtt() throws InterruptedException {
        List<RouterDaemon> withMqtt = routers.stream().filter(r -> r.mqttAddress() != null).toList();
        if (withMqtt.size() < 2) {
            out.println("(fewer than two routers listen for MQTT: no MQTT delivery to show)");
            return true;
        }
        RouterDaemon from = withMqtt.get(0);
        RouterDaemon to = withMqtt.get(withMqtt.size() - 1);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(16);
        String text = "hello from a publisher at " + from.routerId();
        try {
            subscriber = connect(to, "demo-subscriber");
            subscriber.subscribe(TOPIC, 1, (topic, message) ->
                    received.offer(new String(message.getPayload(), StandardCharsets.UTF_8)));
            if (!until(() -> from.forwarding().addresses().routeTopic(TOPIC).hasReceivers())) {
                out.println("MQTT: " + from.routerId() + " did not learn of the subscriber at " + to.routerId());
                return false;
            }
            publisher = connect(from, "demo-publisher");
            MqttMessage message = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            publisher.publish(TOPIC, message);
        } catch (MqttException e) {
            out.println("MQTT failed: " + e);
            return false;
        }
        String got = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (got == null) {
            out.println("MQTT: nothing arrived at " + to.routerId() + " within " + WAIT.toSeconds() + " s");
            return false;
        }
        out.println("MQTT: a subscriber at " + to.routerId() + " (" + hostPort(to.mqttAddress()) + ", topic "
                + TOPIC + ") received from a publisher at " + from.routerId() + " (" + hostPort(from.mqttAddress())
                + "): \"" + got + "\"");
        return true;
    }

    private static MqttClient connect(RouterDaemon router, String clientId) throws MqttException {
        MqttClient client = new MqttClient("tcp://" + hostPort(router.mqttAddress()), clientId,
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(5);
        client.connect(options);
        return client;
    }

    static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** Polls a condition on the routers' published snapshots; they change on the routers' own threads. */
    private static boolean until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /** What to try by hand while the demo runs. */
    void printTryNext() {
        out.println("Routers are running. In another terminal try:");
        for (RouterDaemon router : routers) {
            List<TcpListenerSettings> listeners = router.config().tcpListeners();
            for (int i = 0; i < listeners.size(); i++) {
                out.println("  curl http://" + hostPort(router.tcpListenerAddresses().get(i)) + "/"
                        + "                 # '" + listeners.get(i).address() + "' at " + router.routerId());
            }
        }
        List<RouterDaemon> withMqtt = routers.stream().filter(r -> r.mqttAddress() != null).toList();
        if (withMqtt.size() >= 2) {
            RouterDaemon from = withMqtt.get(0);
            RouterDaemon to = withMqtt.get(withMqtt.size() - 1);
            out.println("  mosquitto_sub -h " + to.mqttAddress().getHostString() + " -p " + to.mqttAddress().getPort()
                    + " -t 'demo/#' -v          # subscribe at " + to.routerId());
            out.println("  mosquitto_pub -h " + from.mqttAddress().getHostString() + " -p "
                    + from.mqttAddress().getPort() + " -t " + TOPIC + " -m hi   # publish at " + from.routerId());
        }
        for (RouterDaemon router : routers) {
            if (router.managementAddress() != null) {
                String at = "127.0.0.1:" + router.managementAddress().getPort();
                out.println("  bin/vanrouter status --router " + at + "     # " + router.routerId()
                        + " (also: links, --network, --graph dot, --watch)");
            }
        }
        RouterDaemon first = routers.get(0);
        if (first.managementAddress() != null) {
            String at = "127.0.0.1:" + first.managementAddress().getPort();
            out.println("  bin/vanrouter trace " + SERVICE + " --router " + at);
            out.println("  open http://" + at + "/ui                   # the live topology page");
        }
    }

    /** Closes the MQTT clients and the HTTP server. Idempotent. */
    @Override
    public synchronized void close() {
        for (MqttClient client : new MqttClient[] {publisher, subscriber}) {
            if (client != null) {
                try {
                    if (client.isConnected()) {
                        client.disconnectForcibly(0, 1000);
                    }
                    client.close(true);
                } catch (MqttException e) {
                    // the demo is stopping; nothing to tell
                }
            }
        }
        publisher = null;
        subscriber = null;
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }
}
