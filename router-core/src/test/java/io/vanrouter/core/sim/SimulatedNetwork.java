package io.vanrouter.core.sim;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.RouterCore;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.core.port.TimeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;

/**
 * N {@link RouterCore}s on one thread with a shared simulated clock and a seeded {@link Random}: every message is a
 * timed delivery (1-50 ms) in a priority queue, so a seed replays the run exactly.
 *
 * <p>The network has a configured ("desired") topology; a live link exists for a desired pair unless it is blocked
 * by a partition or one end is restarting. Like a real transport, a link that comes up calls {@code onLinkUp} on
 * both ends (one link id per side), a link that goes away calls {@code onLinkDown} on both, and a link closed by a
 * core (dead interval) is redialled after a short delay.
 */
final class SimulatedNetwork {
    static final long TICK_MILLIS = 100;

    private record Pair(int a, int b) {
        static Pair of(int x, int y) {
            return x < y ? new Pair(x, y) : new Pair(y, x);
        }
    }

    private record Link(Pair pair, long linkIdA, long linkIdB, int cost) {
    }

    private record Event(long atMillis, long order, Runnable action) {
    }

    private final Random random;
    private final CoreSettings template;
    private final String[] ids;
    private final RouterCore[] cores;
    private final long[] instances;
    private final boolean[] restarting;
    private final Map<Pair, Integer> desired = new TreeMap<>((x, y) -> x.a != y.a ? x.a - y.a : x.b - y.b);
    private final Set<Pair> blocked = new HashSet<>();
    private final Map<Pair, Link> live = new HashMap<>();
    private final Map<Long, Link> linkById = new HashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            (x, y) -> x.atMillis != y.atMillis ? Long.compare(x.atMillis, y.atMillis) : Long.compare(x.order, y.order));
    private long nowMillis;
    private long order;
    private long nextLinkId = 1;
    private double dropRate;
    private double duplicateRate;
    private long delivered;
    private final Map<String, Long> deliveredByType = new TreeMap<>();
    /** Plain addresses each router has a local consumer for; re-added when a router restarts. */
    private final Map<Integer, Set<String>> consumers = new HashMap<>();

    SimulatedNetwork(long seed, int routers, CoreSettings template) {
        this.random = new Random(seed);
        this.template = template;
        this.ids = new String[routers];
        this.cores = new RouterCore[routers];
        this.instances = new long[routers];
        this.restarting = new boolean[routers];
        for (int i = 0; i < routers; i++) {
            ids[i] = String.format("r%04d", i);
            instances[i] = 1_000 + random.nextInt(1_000);
            consumers.computeIfAbsent(i, k -> new TreeSet<>()).add("svc-" + (i % 7));
            cores[i] = newCore(i);
            int router = i;
            schedule(random.nextInt((int) TICK_MILLIS), () -> tickLoop(router));
        }
    }

    // ---- topology -------------------------------------------------------------------------------------------------

    /** A random spanning tree plus {@code extraLinks} random links, costs 1-10, all dialled at time zero. */
    void randomTopology(int extraLinks) {
        for (int i = 1; i < ids.length; i++) {
            addLink(i, random.nextInt(i));
        }
        for (int k = 0; k < extraLinks; k++) {
            addLink(random.nextInt(ids.length), random.nextInt(ids.length));
        }
    }

    void addLink(int x, int y) {
        Pair pair = Pair.of(x, y);
        if (x == y || desired.containsKey(pair)) {
            return;
        }
        desired.put(pair, 1 + random.nextInt(10));
        redial(pair, 0);
    }

    void removeRandomLink() {
        if (desired.isEmpty()) {
            return;
        }
        Pair pair = new ArrayList<>(desired.keySet()).get(random.nextInt(desired.size()));
        desired.remove(pair);
        takeDown(pair, "link removed");
    }

    /** Cuts every link between a random set of routers and the rest; heals after {@code healAfterMillis}. */
    void partition(long healAfterMillis) {
        Set<Integer> side = new HashSet<>();
        int size = 1 + random.nextInt(Math.max(1, ids.length / 4));
        while (side.size() < size) {
            side.add(random.nextInt(ids.length));
        }
        List<Pair> cut = new ArrayList<>();
        for (Pair pair : desired.keySet()) {
            if (side.contains(pair.a) != side.contains(pair.b)) {
                cut.add(pair);
            }
        }
        for (Pair pair : cut) {
            blocked.add(pair);
            takeDown(pair, "partition");
        }
        schedule(healAfterMillis, () -> cut.forEach(pair -> {
            blocked.remove(pair);
            redial(pair, random.nextInt(500));
        }));
    }

    /** Stops a router, then starts a new core for it with a larger instance and redials its links. */
    void restartRandomRouter(long downMillis) {
        int router = random.nextInt(ids.length);
        if (restarting[router]) {
            return;
        }
        restarting[router] = true;
        for (Pair pair : new ArrayList<>(live.keySet())) {
            if (pair.a == router || pair.b == router) {
                takeDown(pair, "router stopped");
            }
        }
        schedule(downMillis, () -> {
            instances[router] += 1 + random.nextInt(100);
            cores[router] = newCore(router);
            restarting[router] = false;
            for (Pair pair : desired.keySet()) {
                if (pair.a == router || pair.b == router) {
                    redial(pair, random.nextInt(500));
                }
            }
        });
    }

    /** Stops {@code router} for good (until {@link #start}): its links drop at both ends at once, as with a RST. */
    void stop(int router) {
        restarting[router] = true;
        for (Pair pair : new ArrayList<>(live.keySet())) {
            if (pair.a == router || pair.b == router) {
                takeDown(pair, "router stopped");
            }
        }
    }

    /** Starts a stopped router with a new core (a larger instance) and dials its links at once. */
    void start(int router) {
        instances[router] += 1;
        cores[router] = newCore(router);
        restarting[router] = false;
        for (Pair pair : desired.keySet()) {
            if (pair.a == router || pair.b == router) {
                redial(pair, 0);
            }
        }
    }

    boolean running(int router) {
        return !restarting[router];
    }

    /** Gives {@code router} local consumers of {@code addresses} (taken by its core now, or when it starts). */
    void addConsumers(int router, Collection<String> addresses) {
        consumers.computeIfAbsent(router, k -> new TreeSet<>()).addAll(addresses);
        if (!restarting[router]) {
            addresses.forEach(address -> cores[router].addLocalConsumer(Address.plain(address)));
        }
    }

    /** Control messages delivered so far, by message type. */
    Map<String, Long> deliveredByType() {
        return Map.copyOf(deliveredByType);
    }

    /** Adds or removes a consumer of one of ten churn addresses at a random running router. */
    void toggleRandomConsumer() {
        int router = random.nextInt(ids.length);
        if (restarting[router]) {
            return;
        }
        String address = "churn-" + random.nextInt(10);
        Set<String> held = consumers.computeIfAbsent(router, k -> new TreeSet<>());
        if (held.remove(address)) {
            cores[router].removeLocalConsumer(Address.plain(address));
        } else {
            held.add(address);
            cores[router].addLocalConsumer(Address.plain(address));
        }
    }

    /** The plain addresses router {@code router} consumes (the truth the address views are checked against). */
    Set<String> consumersOf(int router) {
        return consumers.getOrDefault(router, Set.of());
    }

    void lossy(double drop, double duplicate) {
        this.dropRate = drop;
        this.duplicateRate = duplicate;
    }

    /** Runs every event up to {@code untilMillis}. */
    void runUntil(long untilMillis) {
        while (!events.isEmpty() && events.peek().atMillis <= untilMillis) {
            Event event = events.poll();
            nowMillis = event.atMillis;
            event.action.run();
        }
        nowMillis = untilMillis;
    }

    long nowMillis() {
        return nowMillis;
    }

    Random random() {
        return random;
    }

    int size() {
        return ids.length;
    }

    String id(int router) {
        return ids[router];
    }

    RouterCore core(int router) {
        return cores[router];
    }

    long delivered() {
        return delivered;
    }

    /** Cost matrix of the live links, routers in id order (the truth the routes are checked against). */
    int[][] liveCosts() {
        int[][] cost = new int[ids.length][ids.length];
        for (Link link : live.values()) {
            cost[link.pair.a][link.pair.b] = link.cost;
            cost[link.pair.b][link.pair.a] = link.cost;
        }
        return cost;
    }

    /** Link id on {@code router}'s side of the live link to {@code peer}, or -1. */
    long liveLinkId(int router, int peer) {
        Link link = live.get(Pair.of(router, peer));
        if (link == null) {
            return -1;
        }
        return link.pair.a == router ? link.linkIdA : link.linkIdB;
    }

    // ---- mechanics ------------------------------------------------------------------------------------------------

    private RouterCore newCore(int router) {
        CoreSettings settings = new CoreSettings(ids[router], instances[router], template.helloIntervalMillis(),
                template.deadIntervalMillis(), template.linkStateRefreshMillis(), template.linkStateMaxAgeMillis());
        TimeSource clock = () -> nowMillis * 1_000_000L;
        Sender sender = new Sender(router);
        RouterCore core = new RouterCore(settings, clock, sender, table -> { });
        sender.owner = core;
        consumers.getOrDefault(router, Set.of()).forEach(address -> core.addLocalConsumer(Address.plain(address)));
        return core;
    }

    private void tickLoop(int router) {
        if (!restarting[router]) {
            cores[router].tick();
        }
        schedule(TICK_MILLIS, () -> tickLoop(router));
    }

    private void redial(Pair pair, long delayMillis) {
        schedule(delayMillis, () -> {
            if (desired.containsKey(pair) && !blocked.contains(pair) && !live.containsKey(pair)
                    && !restarting[pair.a] && !restarting[pair.b]) {
                Link link = new Link(pair, nextLinkId++, nextLinkId++, desired.get(pair));
                live.put(pair, link);
                linkById.put(link.linkIdA, link);
                linkById.put(link.linkIdB, link);
                cores[pair.a].onLinkUp(link.linkIdA, ids[pair.b], instances[pair.b], link.cost);
                cores[pair.b].onLinkUp(link.linkIdB, ids[pair.a], instances[pair.a], link.cost);
            }
        });
    }

    private void takeDown(Pair pair, String reason) {
        Link link = live.remove(pair);
        if (link != null) {
            linkById.remove(link.linkIdA);
            linkById.remove(link.linkIdB);
            cores[pair.a].onLinkDown(link.linkIdA, reason);
            cores[pair.b].onLinkDown(link.linkIdB, reason);
        }
    }

    private void schedule(long delayMillis, Runnable action) {
        events.add(new Event(nowMillis + delayMillis, order++, action));
    }

    private final class Sender implements ControlSender {
        private final int router;
        private RouterCore owner;

        Sender(int router) {
            this.router = router;
        }

        @Override
        public void send(long linkId, ControlMessage message) {
            Link link = linkById.get(linkId);
            if (link == null || owner != cores[router] || random.nextDouble() < dropRate) {
                return;
            }
            int copies = random.nextDouble() < duplicateRate ? 2 : 1;
            boolean fromA = link.linkIdA == linkId;
            int peer = fromA ? link.pair.b : link.pair.a;
            long peerLinkId = fromA ? link.linkIdB : link.linkIdA;
            for (int c = 0; c < copies; c++) {
                schedule(1 + random.nextInt(50), () -> {
                    if (linkById.get(peerLinkId) == link) { // still the same live link
                        delivered++;
                        deliveredByType.merge(message.getClass().getSimpleName(), 1L, Long::sum);
                        cores[peer].onMessage(peerLinkId, message);
                    }
                });
            }
        }

        @Override
        public void closeLink(long linkId, String reason) {
            Link link = linkById.get(linkId);
            if (link == null || owner != cores[router]) {
                return;
            }
            takeDown(link.pair, "closed by peer: " + reason); // the closing core already dropped its side
            redial(link.pair, 200 + random.nextInt(800));
        }
    }
}
