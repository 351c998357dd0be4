package io.vanrouter.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Five routers a..e with a {@link FaultProxy} on every inter-router link, and the test's model of which routers and
 * links are up, from which it computes the routes every router must have.
 * <pre>
 *              a
 *          1 / | \ 1
 *           b  3  e            a ring a-b-c-d-e-a with two chords, a-c (cost 3) and b-d (cost 2)
 *         1 | \|  | 1
 *           c  \  |
 *           2 \ 2\|
 *               d
 * </pre>
 * Links: a-b 1, b-c 1, c-d 2, d-e 1, a-e 1, a-c 3, b-d 2. Every router has at least two links, so no single link
 * fault and no loss of one transit router (b or e) partitions a, c and d, where the clients are.
 */
final class FaultMesh implements AutoCloseable {
    static final List<String> ROUTERS = List.of("a", "b", "c", "d", "e");
    /** Routers without clients, which the schedule may kill or freeze. */
    static final List<String> TRANSIT = List.of("b", "e");
    static final List<Link> LINKS = List.of(new Link("a", "b", 1), new Link("b", "c", 1), new Link("c", "d", 2),
            new Link("d", "e", 1), new Link("a", "e", 1), new Link("a", "c", 3), new Link("b", "d", 2));
    /** Key of the peers a router's links are up to, next to its routes (a link off every shortest path counts too). */
    static final String LINKS_KEY = "links up to";
    static final int HELLO_MILLIS = 200;
    static final int DEAD_MILLIS = 1_000;
    private static final Pattern PAUSE_LINE = Pattern.compile("this router did not run for (\\d+) ms");

    /** An inter-router link: {@code from} dials {@code to} through the link's proxy, at {@code cost}. */
    record Link(String from, String to, int cost) {
        String name() {
            return from + "-" + to;
        }

        boolean touches(String router) {
            return from.equals(router) || to.equals(router);
        }
    }

    final TestNetwork network;
    private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
    private final Map<String, Integer> listenPorts = new TreeMap<>();
    private final Map<String, Integer> mqttPorts = new TreeMap<>();
    private final Set<String> routersDown = new HashSet<>();
    private final Set<String> linksDown = new HashSet<>();

    FaultMesh(Path dir) {
        network = new TestNetwork(dir);
        for (String id : ROUTERS) {
            listenPorts.put(id, FreePorts.next());
            mqttPorts.put(id, FreePorts.next());
        }
    }

    /** Starts the proxies and the routers; {@code extraYaml} adds sections (tcp) per router. */
    void start(Map<String, String> extraYaml) throws IOException {
        for (Link link : LINKS) {
            proxies.put(link.name(), FaultProxy.start(link.name(), FreePorts.next(), listenPorts.get(link.to())));
        }
        for (String id : ROUTERS) {
            network.launch(id, yaml(id) + extraYaml.getOrDefault(id, ""));
        }
    }

    private String yaml(String id) {
        StringBuilder y = new StringBuilder();
        y.append("router:\n  id: ").append(id).append("\n  mode: interior\n  network: faults\n");
        y.append("listen:\n  - host: 127.0.0.1\n    port: ").append(listenPorts.get(id)).append('\n');
        boolean first = true;
        for (Link link : LINKS) {
            if (link.from().equals(id)) {
                if (first) {
                    y.append("peers:\n"); // only with a peer: an empty list is refused
                    first = false;
                }
                y.append("  - host: 127.0.0.1\n    port: ").append(proxies.get(link.name()).port()).append('\n');
                y.append("    cost: ").append(link.cost()).append('\n');
            }
        }
        y.append("management:\n  host: 127.0.0.1\n  port: ").append(FreePorts.next()).append('\n');
        y.append("routing:\n  helloIntervalMillis: ").append(HELLO_MILLIS)
                .append("\n  deadIntervalMillis: ").append(DEAD_MILLIS)
                .append("\n  handshakeTimeoutMillis: 2000\n  reconnectInitialMillis: 50\n  reconnectMaxMillis: 500\n");
        y.append("mqtt:\n  listen:\n    host: 127.0.0.1\n    port: ").append(mqttPorts.get(id)).append('\n');
        y.append("tls:\n  insecure: true\n");
        return y.toString();
    }

    String mqttUri(String id) {
        return "tcp://127.0.0.1:" + mqttPorts.get(id);
    }

    RouterProcess router(String id) {
        return network.router(id);
    }

    FaultProxy proxy(Link link) {
        return proxies.get(link.name());
    }

    /** The test's model: a router killed or frozen is down; a link stalled, black-holed or cut is down. */
    synchronized void markRouter(String id, boolean up) {
        if (up) {
            routersDown.remove(id);
        } else {
            routersDown.add(id);
        }
    }

    synchronized void markLink(Link link, boolean up) {
        if (up) {
            linksDown.remove(link.name());
        } else {
            linksDown.add(link.name());
        }
    }

    /** Routers the model says are running but whose process has exited. */
    List<String> exited() {
        return ROUTERS.stream().filter(id -> routerUp(id) && !router(id).isAlive()).toList();
    }

    synchronized boolean routerUp(String id) {
        return !routersDown.contains(id);
    }

    private synchronized boolean linkUp(Link link) {
        return !linksDown.contains(link.name()) && routerUp(link.from()) && routerUp(link.to());
    }

    /**
     * Every running router's routes, "dest=nextHop/cost", as the reference says they must be, and under
     * {@link #LINKS_KEY} the peers its links are up to.
     */
    synchronized Map<String, Map<String, String>> expectedRoutes() {
        Map<String, Map<String, String>> all = new TreeMap<>();
        long[][] dist = distances();
        for (int s = 0; s < ROUTERS.size(); s++) {
            if (!routerUp(ROUTERS.get(s))) {
                continue;
            }
            Map<String, String> routes = new TreeMap<>();
            for (int d = 0; d < ROUTERS.size(); d++) {
                if (d != s) {
                    routes.put(ROUTERS.get(d), dist[s][d] == Long.MAX_VALUE ? "unreachable"
                            : nextHop(s, d, dist) + "/" + dist[s][d]);
                }
            }
            List<String> peers = new java.util.ArrayList<>();
            for (int n = 0; n < ROUTERS.size(); n++) {
                if (cost(s, n) > 0) {
                    peers.add(ROUTERS.get(n));
                }
            }
            routes.put(LINKS_KEY, String.join(",", peers));
            all.put(ROUTERS.get(s), routes);
        }
        return all;
    }

    /**
     * PathEngine's rule: the next hop to d is the neighbour n minimising (cost(s, n) + dist(n, d), then n's id).
     * ROUTERS is in id order, so the first minimum found is the one with the smallest id.
     */
    private String nextHop(int s, int d, long[][] dist) {
        for (int n = 0; n < ROUTERS.size(); n++) {
            long cost = cost(s, n);
            if (cost > 0 && (n == d ? cost : cost + dist[n][d]) == dist[s][d]) {
                return ROUTERS.get(n);
            }
        }
        throw new IllegalStateException("no next hop from " + ROUTERS.get(s) + " to " + ROUTERS.get(d));
    }

    /** Cost of an up link between routers s and n, or 0 when there is none. */
    private long cost(int s, int n) {
        for (Link link : LINKS) {
            boolean between = link.from().equals(ROUTERS.get(s)) && link.to().equals(ROUTERS.get(n))
                    || link.to().equals(ROUTERS.get(s)) && link.from().equals(ROUTERS.get(n));
            if (between && linkUp(link)) {
                return link.cost();
            }
        }
        return 0;
    }

    /** All-pairs shortest distances over the up links (Floyd-Warshall; five nodes). */
    private long[][] distances() {
        int n = ROUTERS.size();
        long[][] dist = new long[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                long c = cost(i, j);
                dist[i][j] = i == j ? 0 : c > 0 ? c : Long.MAX_VALUE;
            }
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (dist[i][k] != Long.MAX_VALUE && dist[k][j] != Long.MAX_VALUE
                            && dist[i][k] + dist[k][j] < dist[i][j]) {
                        dist[i][j] = dist[i][k] + dist[k][j];
                    }
                }
            }
        }
        return dist;
    }

    /** The routers a stream from {@code from} to {@code to} crosses now, by the reference's next hops. */
    synchronized List<String> path(String from, String to) {
        Map<String, Map<String, String>> routes = expectedRoutes();
        List<String> path = new java.util.ArrayList<>(List.of(from));
        for (String at = from; !at.equals(to); ) {
            String route = routes.get(at).get(to);
            if (route.equals("unreachable")) {
                return List.of();
            }
            at = route.substring(0, route.indexOf('/'));
            path.add(at);
        }
        return path;
    }

    /**
     * Routes as the running routers' status showed them, and the latest moment (test JVM's {@code nanoTime}) at which,
     * by their own clocks, one of them changed a route or its neighbours. That moment is read from the age each router
     * reports, taken from when its answer arrived: never earlier than the change, however long the answer took.
     */
    record Observation(Map<String, Map<String, String>> routes, long lastChangeNanos) {
    }

    /** What every running router's status says now, in the form of {@link #expectedRoutes()}. */
    Map<String, Map<String, String>> actualRoutes() {
        return observe().routes();
    }

    Observation observe() {
        Map<String, Map<String, String>> all = new TreeMap<>();
        long lastChangeNanos = Long.MIN_VALUE;
        for (String id : ROUTERS) {
            if (!routerUp(id)) {
                continue;
            }
            Map<String, String> routes = new TreeMap<>();
            JsonNode status = router(id).status().orElse(null);
            long answeredNanos = System.nanoTime();
            for (String other : ROUTERS) {
                if (!other.equals(id)) {
                    routes.put(other, status == null ? "no answer" : "unreachable");
                }
            }
            List<String> peers = new java.util.ArrayList<>();
            if (status != null) {
                for (JsonNode link : status.path("links")) {
                    if (link.path("state").asText().equals("up")) {
                        peers.add(link.path("peer").asText());
                    }
                }
                java.util.Collections.sort(peers);
                long changeAgeMillis = ageOrMax(status.path("neighboursAgeMillis"));
                for (JsonNode node : status.path("nodes")) {
                    String dest = node.path("id").asText();
                    if (routes.containsKey(dest) && node.path("reachable").asBoolean()) {
                        routes.put(dest, node.path("nextHop").asText() + "/" + node.path("cost").asLong());
                    }
                    changeAgeMillis = Math.min(changeAgeMillis, ageOrMax(node.path("routeAgeMillis")));
                }
                if (changeAgeMillis != Long.MAX_VALUE) {
                    lastChangeNanos = Math.max(lastChangeNanos,
                            answeredNanos - TimeUnit.MILLISECONDS.toNanos(changeAgeMillis));
                }
            }
            routes.put(LINKS_KEY, status == null ? "no answer" : String.join(",", peers));
            all.put(id, routes);
        }
        return new Observation(all, lastChangeNanos);
    }

    /** An age field of status; absent or -1 (never changed) as the largest age. */
    private static long ageOrMax(JsonNode age) {
        return age.isNumber() && age.asLong() >= 0 ? age.asLong() : Long.MAX_VALUE;
    }

    /** Log lines of links going up or down, in all routers: a change means the topology was not stable. */
    List<String> linkEvents() {
        List<String> events = new java.util.ArrayList<>();
        for (String id : ROUTERS) {
            for (String line : router(id).logText().split("\n")) {
                if (line.contains(" link up (") || line.contains(" link down: ")) {
                    events.add(line);
                }
            }
        }
        return events;
    }

    /**
     * Milliseconds the routers logged they themselves did not run (GC pause, SIGSTOP, a starved CPU), summed over all
     * routers. A stalled router cannot react; the difference across a window is time the protocol could not use.
     */
    long loggedPauseMillis() {
        long total = 0;
        for (String id : ROUTERS) {
            Matcher matcher = PAUSE_LINE.matcher(router(id).logText());
            while (matcher.find()) {
                total += Long.parseLong(matcher.group(1));
            }
        }
        return total;
    }

    @Override
    public void close() throws InterruptedException {
        for (FaultProxy proxy : proxies.values()) {
            proxy.close();
        }
        network.close();
    }
}
