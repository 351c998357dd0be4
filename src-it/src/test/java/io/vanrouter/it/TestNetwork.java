package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds and owns a set of router processes on 127.0.0.1 for one test: writes their YAML, starts them, and on
 * close kills them. {@link #report()} dumps every router's status and log tail for a failing test.
 */
final class TestNetwork implements AutoCloseable {
    /** Log lines at ERROR that a test did not expect fail it (a router must not hit internal errors). */
    private static final Pattern ERROR_LINE = Pattern.compile("(?m)^.*\\bERROR\\b.*$");
    private static final Pattern LEAK_LINE = Pattern.compile("(?m)^.*\\bLEAK: .*$");

    private final Path dir;
    private final Map<String, RouterProcess> routers = new LinkedHashMap<>();
    private final Map<String, Integer> listenPorts = new LinkedHashMap<>();
    private final Map<String, Integer> mqttPorts = new LinkedHashMap<>();
    private boolean mqtt;

    TestNetwork(Path dir) {
        this.dir = dir;
    }

    /** Reserves an inter-router port for router {@code id}, so peers can name it before it starts. */
    int listenPort(String id) {
        return listenPorts.computeIfAbsent(id, k -> FreePorts.next());
    }

    /** Routers started from now on also listen for MQTT clients ({@link #mqttUri}). */
    void enableMqtt() {
        mqtt = true;
    }

    /** The MQTT listener of router {@code id}, as a Paho server URI. */
    String mqttUri(String id) {
        return "tcp://127.0.0.1:" + mqttPorts.computeIfAbsent(id, k -> FreePorts.next());
    }

    /** A router config with the given peers ("id" or "id:cost") in network {@code network}. */
    String yaml(String id, String routerIdInConfig, String network, List<String> peers) {
        StringBuilder y = new StringBuilder();
        y.append("router:\n  id: ").append(routerIdInConfig).append("\n  mode: interior\n  network: ")
                .append(network).append('\n');
        y.append("listen:\n  - host: 127.0.0.1\n    port: ").append(listenPort(id)).append('\n');
        if (!peers.isEmpty()) {
            y.append("peers:\n");
            for (String peer : peers) {
                String[] parts = peer.split(":");
                y.append("  - host: 127.0.0.1\n    port: ").append(listenPort(parts[0])).append('\n');
                y.append("    cost: ").append(parts.length > 1 ? parts[1] : "1").append('\n');
            }
        }
        y.append("management:\n  host: 127.0.0.1\n  port: ").append(FreePorts.next()).append('\n');
        y.append("tls:\n  insecure: true\n"); // TlsNetworkIT runs links with TLS
        y.append("routing:\n  helloIntervalMillis: 1000\n  deadIntervalMillis: 3000\n");
        y.append("  reconnectInitialMillis: 100\n  reconnectMaxMillis: 1000\n");
        if (mqtt) {
            y.append("mqtt:\n  listen:\n    host: 127.0.0.1\n    port: ")
                    .append(mqttPorts.computeIfAbsent(id, k -> FreePorts.next())).append('\n');
        }
        return y.toString();
    }

    RouterProcess start(String id, String... peers) throws IOException {
        return startAs(id, id, "it", peers);
    }

    /** Starts router {@code id} with extra top-level YAML (e.g. a {@code tcp:} section) appended to its config. */
    RouterProcess startWith(String id, String extraYaml, String... peers) throws IOException {
        return launch(id, yaml(id, id, "it", List.of(peers)) + extraYaml);
    }

    /** Starts a router whose config key is {@code id} but whose router id and network are given. */
    RouterProcess startAs(String id, String routerId, String network, String... peers) throws IOException {
        return launch(id, yaml(id, routerId, network, List.of(peers)));
    }

    /** Starts router {@code id} on a complete config written by the test (management port as {@link #yaml} writes it). */
    RouterProcess launch(String id, String yaml) throws IOException {
        return launchIn(List.of(), id, yaml);
    }

    /** As {@link #launch}, with the router's command run under {@code commandPrefix} ({@code ip netns exec NS}). */
    RouterProcess launchIn(List<String> commandPrefix, String id, String yaml) throws IOException {
        int management = Integer.parseInt(yaml.replaceAll("(?s).*management:\\n  host: 127.0.0.1\\n  port: (\\d+).*",
                "$1"));
        RouterProcess router = RouterProcess.startIn(commandPrefix, dir, id, yaml, management);
        routers.put(id, router);
        return router;
    }

    RouterProcess router(String id) {
        return routers.get(id);
    }

    Path dir() {
        return dir;
    }

    /** ERROR lines in any router's log, other than those matching {@code allowed}. */
    List<String> unexpectedErrors(Pattern allowed) {
        List<String> errors = new ArrayList<>();
        for (RouterProcess router : routers.values()) {
            var matcher = ERROR_LINE.matcher(router.logText());
            while (matcher.find()) {
                String line = matcher.group();
                if (allowed == null || !allowed.matcher(line).find()) {
                    errors.add(router.id + ": " + line);
                }
            }
        }
        return errors;
    }

    void assertNoUnexpectedErrors(Pattern allowed) {
        assertThat(unexpectedErrors(allowed)).as("ERROR lines in router logs").isEmpty();
    }

    String report() {
        return routers.values().stream().map(r -> "=== " + r + " status: " + r.status().map(Object::toString)
                .orElse("(no answer)") + "\n--- log tail:\n" + tail(r.logText(), 40)).collect(Collectors.joining("\n"));
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    /**
     * Stops every router, then fails if any logged a Netty buffer leak. Routers run with paranoid leak detection
     * ({@link RouterProcess#javaCommand}), which tracks every buffer and logs "LEAK:" when one is collected
     * unreleased (so only leaks whose buffers were collected before the router stopped are seen).
     */
    @Override
    public void close() throws InterruptedException {
        for (RouterProcess router : routers.values()) {
            router.close();
        }
        List<String> leaks = new ArrayList<>();
        for (RouterProcess router : routers.values()) {
            var matcher = LEAK_LINE.matcher(router.logText());
            while (matcher.find()) {
                leaks.add(router.id + ": " + matcher.group());
            }
        }
        assertThat(leaks).as("buffer leaks reported in router logs").isEmpty();
    }
}
