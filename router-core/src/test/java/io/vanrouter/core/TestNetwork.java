package io.vanrouter.core;

import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.port.ControlSender;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;

/**
 * A tiny in-test message pump: several {@link RouterCore}s on one manual clock, links as pairs of link ids, messages
 * delivered in FIFO order with no delay. Links closed by a core are taken down on both ends, like a transport would.
 */
final class TestNetwork {
    private record End(String router, long linkId) {
    }

    private record Delivery(End to, ControlMessage message) {
    }

    final ManualTimeSource clock = new ManualTimeSource();
    private final Map<String, RouterCore> routers = new TreeMap<>();
    private final Map<End, End> links = new HashMap<>();
    private final Queue<Delivery> queue = new ArrayDeque<>();
    private final Set<String> silenced = new HashSet<>();
    private final Set<String> messaged = new HashSet<>();
    private final Map<String, Long> edgeTicks = new HashMap<>();
    private boolean edgesTickWhenDue;
    private long nextLinkId = 1;
    private long delivered;

    RouterCore add(String id) {
        CoreSettings settings = CoreSettings.defaults(id, 1);
        RouterCore core = new RouterCore(settings, clock, new Sender(id), table -> { });
        routers.put(id, core);
        return core;
    }

    /** An edge router: no link state, attaches to interior routers with {@link #attach}. */
    RouterCore addEdge(String id) {
        CoreSettings settings = CoreSettings.defaults(id, 1).withEdge(true);
        RouterCore core = new RouterCore(settings, clock, new Sender(id), table -> { });
        routers.put(id, core);
        return core;
    }

    /** Edge {@code edge} dials interior {@code interior}: the interior learns the peer is an edge. */
    void attach(String edge, String interior, int cost) {
        End endEdge = new End(edge, nextLinkId++);
        End endInterior = new End(interior, nextLinkId++);
        links.put(endEdge, endInterior);
        links.put(endInterior, endEdge);
        routers.get(edge).onLinkUp(endEdge.linkId(), interior, routers.get(interior).settings().instance(), cost);
        routers.get(interior).onLinkUp(endInterior.linkId(), edge, routers.get(edge).settings().instance(), cost,
                true);
    }

    /**
     * As {@link #attach}, but the interior's core learns of the link only after the edge's first messages (its hello
     * and its snapshot, sent at its link up) reached it, as the transport's core loop may run them: the interior drops
     * them as messages on an unknown link.
     */
    void attachHeardBeforeLinkUp(String edge, String interior, int cost) {
        End endEdge = new End(edge, nextLinkId++);
        End endInterior = new End(interior, nextLinkId++);
        links.put(endEdge, endInterior);
        links.put(endInterior, endEdge);
        routers.get(edge).onLinkUp(endEdge.linkId(), interior, routers.get(interior).settings().instance(), cost);
        pump();
        routers.get(interior).onLinkUp(endInterior.linkId(), edge, routers.get(edge).settings().instance(), cost,
                true);
    }

    RouterCore router(String id) {
        return routers.get(id);
    }

    /** Connects two routers with one link (one id per side) and tells both cores. */
    void connect(String a, String b, int cost) {
        End endA = new End(a, nextLinkId++);
        End endB = new End(b, nextLinkId++);
        links.put(endA, endB);
        links.put(endB, endA);
        routers.get(a).onLinkUp(endA.linkId(), b, routers.get(b).settings().instance(), cost);
        routers.get(b).onLinkUp(endB.linkId(), a, routers.get(a).settings().instance(), cost);
    }

    /** Gives every link between {@code a} and {@code b} a new agreed cost; both ends learn at once (LINK_COST). */
    void recost(String a, String b, int cost) {
        for (var entry : Map.copyOf(links).entrySet()) {
            End end = entry.getKey();
            if (end.router().equals(a) && entry.getValue().router().equals(b)
                    || end.router().equals(b) && entry.getValue().router().equals(a)) {
                routers.get(end.router()).onLinkCost(end.linkId(), cost);
            }
        }
    }

    /** Cuts every link between {@code a} and {@code b}; both ends learn at once. */
    void cut(String a, String b) {
        for (End end : Map.copyOf(links).keySet()) {
            End other = links.get(end);
            if (other != null && end.router().equals(a) && other.router().equals(b)) {
                takeDown(end, "cut by test");
            }
        }
    }

    /**
     * The links between {@code router} and {@code peer} break, and only {@code router} notices (the peer still holds
     * them, as a peer does until its dead interval when the connection died without a FIN).
     */
    void loseEnd(String router, String peer) {
        for (End end : Map.copyOf(links).keySet()) {
            End other = links.get(end);
            if (other != null && end.router().equals(router) && other.router().equals(peer)) {
                links.remove(end);
                links.remove(other);
                routers.get(router).onLinkDown(end.linkId(), "connection lost");
            }
        }
    }

    /** Drops every message between {@code a} and {@code b} from now on, without taking the link down. */
    void silence(String a, String b) {
        silenced.add(a + "|" + b);
        silenced.add(b + "|" + a);
    }

    /**
     * From now on {@link #run} moves in steps of 10 ms and ticks an edge router only when its core says a tick is due
     * ({@link RouterCore#nanosUntilTickDue}) or after it received messages, as the transport's core loop drives an
     * edge; interior routers still tick every 100 ms.
     */
    void edgesTickWhenDue() {
        edgesTickWhenDue = true;
    }

    /** Ticks of {@code router} since {@link #edgesTickWhenDue} (edge routers only). */
    long edgeTicks(String router) {
        return edgeTicks.getOrDefault(router, 0L);
    }

    /** Runs the network for {@code millis}, ticking every router every 100 ms and delivering all messages. */
    void run(long millis) {
        if (edgesTickWhenDue) {
            runEdgesWhenDue(millis);
            return;
        }
        for (long t = 0; t < millis; t += 100) {
            clock.advanceMillis(100);
            pump();
            routers.values().forEach(RouterCore::tick);
            pump();
        }
    }

    private void runEdgesWhenDue(long millis) {
        for (long t = 0; t < millis; t += 10) {
            clock.advanceMillis(10);
            pump();
            boolean interiorTick = clock.millis() % 100 == 0;
            for (var entry : routers.entrySet()) {
                RouterCore core = entry.getValue();
                if (!core.settings().edge()) {
                    if (interiorTick) {
                        core.tick();
                    }
                } else if (messaged.remove(entry.getKey()) || core.nanosUntilTickDue() == 0) {
                    tickEdge(entry.getKey(), core);
                }
            }
            pump();
            for (String edge : Set.copyOf(messaged)) { // the core loop ticks after each batch of commands
                messaged.remove(edge);
                tickEdge(edge, routers.get(edge));
            }
        }
    }

    private void tickEdge(String id, RouterCore core) {
        core.tick();
        edgeTicks.merge(id, 1L, Long::sum);
    }

    long delivered() {
        return delivered;
    }

    private void pump() {
        while (!queue.isEmpty()) {
            Delivery delivery = queue.poll();
            if (links.containsKey(delivery.to())) {
                delivered++;
                RouterCore core = routers.get(delivery.to().router());
                if (core.settings().edge()) {
                    messaged.add(delivery.to().router());
                }
                core.onMessage(delivery.to().linkId(), delivery.message());
            }
        }
    }

    private void takeDown(End end, String reason) {
        End other = links.remove(end);
        if (other != null) {
            links.remove(other);
            routers.get(end.router()).onLinkDown(end.linkId(), reason);
            routers.get(other.router()).onLinkDown(other.linkId(), "closed by peer: " + reason);
        }
    }

    private final class Sender implements ControlSender {
        private final String router;

        Sender(String router) {
            this.router = router;
        }

        @Override
        public void send(long linkId, ControlMessage message) {
            End other = links.get(new End(router, linkId));
            if (other != null && !silenced.contains(router + "|" + other.router())) {
                queue.add(new Delivery(other, message));
            }
        }

        @Override
        public void closeLink(long linkId, String reason) {
            End end = new End(router, linkId);
            End other = links.remove(end);
            if (other != null) { // the core already removed its side; tell only the peer
                links.remove(other);
                routers.get(other.router()).onLinkDown(other.linkId(), "closed by peer: " + reason);
            }
        }
    }
}
