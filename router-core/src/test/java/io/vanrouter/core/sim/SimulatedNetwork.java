package io.vanrouter.core.sim;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.RouterCore;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.core.port.TimeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * N {@link RouterCore}s on one thread with a shared simulated clock and a seeded {@link Random}: every message is a
 * timed delivery (1-50 ms) in a priority queue, so a seed replays the run exactly.
 *
 * <p>The network has a configured ("desired") topology; a live link exists for a desired pair unless it is blocked
 * by a partition or one end is restarting. Like a real transport, a link that comes up calls {@code onLinkUp} on
 * both ends (one link id per side), a link that goes away calls {@code onLinkDown} on both, and a link closed by a
 * core (dead interval) is redialled after a short delay.
 *
 * <p>Edge routers ({@link #createEdges}, {@link #dialEdges}) are cores in edge mode, numbered after the interiors. Each
 * dials a random primary interior (cost 1) and a random backup (cost 10); the interior end learns that the peer is an
 * edge. Messages on an edge link are delayed like any other but never overtake each other: the edge protocol relies on
 * its link's order (TCP), as an uplink's empty withdrawal snapshot must not overtake the full one before it. Links
 * between interiors keep reordering, which their protocols tolerate.
 */
final class SimulatedNetwork {
    static final long TICK_MILLIS = 100;

    private record Pair(int a, int b) {
        static Pair of(int x, int y) {
            return x < y ? new Pair(x, y) : new Pair(y, x);
        }
    }

    /** {@code lastDeliveryMillis}: per direction (from a, from b), for the order of edge links. */
    private record Link(Pair pair, long linkIdA, long linkIdB, int cost, long[] lastDeliveryMillis) {
    }

    static final int PRIMARY_UPLINK_COST = 1;
    static final int BACKUP_UPLINK_COST = 10;

    private record Event(long atMillis, long order, Runnable action) {
    }

    private final Random random;
    private final CoreSettings template;
    private final int interiors;
    /** Per edge: its primary and backup interior, and when it dialled the primary (simulated ms). */
    private final int[][] uplinks;
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
    private final Map<String, Long> receivedByEdgesByType = new TreeMap<>();
    /** Addresses each router has a local consumer for; re-added when a router restarts. */
    private final Map<Integer, Set<Address>> consumers = new HashMap<>();
    /** The address view each core last published (at its tick), as its data plane would read it. */
    private final AddressSnapshotView[] publishedViews;

    SimulatedNetwork(long seed, int routers, CoreSettings template) {
        this(seed, routers, 0, template);
    }

    /** {@code interiors} interior routers, started now, and room for {@code edges} edge routers. */
    SimulatedNetwork(long seed, int interiors, int edges, CoreSettings template) {
        this.random = new Random(seed);
        this.template = template;
        this.interiors = interiors;
        this.uplinks = new int[edges][];
        int routers = interiors + edges;
        this.ids = new String[routers];
        this.cores = new RouterCore[routers];
        this.instances = new long[routers];
        this.restarting = new boolean[routers];
        this.publishedViews = new AddressSnapshotView[routers];
        for (int i = 0; i < interiors; i++) {
            ids[i] = String.format("r%04d", i);
            instances[i] = 1_000 + random.nextInt(1_000);
            consumers.computeIfAbsent(i, k -> new LinkedHashSet<>()).add(Address.plain("svc-" + (i % 7)));
            boot(i, random.nextInt((int) TICK_MILLIS));
        }
        for (int k = 0; k < edges; k++) {
            ids[interiors + k] = String.format("e%05d", k);
            restarting[interiors + k] = true; // until createEdges
        }
    }

    private void boot(int router, long firstTickMillis) {
        cores[router] = newCore(router);
        restarting[router] = false;
        schedule(firstTickMillis, () -> tickLoop(router));
    }

    // ---- edges ----------------------------------------------------------------------------------------------------

    /** Starts every edge router's core, each with local consumers of {@code consumersOfEdge.apply(edge id)}. */
    void createEdges(Function<String, Collection<Address>> consumersOfEdge) {
        for (int k = 0; k < uplinks.length; k++) {
            int router = interiors + k;
            instances[router] = 1_000 + random.nextInt(1_000);
            consumers.put(router, new LinkedHashSet<>(consumersOfEdge.apply(ids[router])));
            boot(router, random.nextInt((int) TICK_MILLIS));
        }
    }

    /** Every edge dials its primary and its backup (chosen now), each link at a random time within the window. */
    void dialEdges(int withinMillis) {
        for (int k = 0; k < uplinks.length; k++) {
            int primary = random.nextInt(interiors);
            int backup = random.nextInt(interiors - 1);
            backup = backup >= primary ? backup + 1 : backup;
            int primaryDelayMillis = random.nextInt(withinMillis);
            uplinks[k] = new int[] {primary, backup, (int) nowMillis + primaryDelayMillis};
            int router = interiors + k;
            desired.put(Pair.of(primary, router), PRIMARY_UPLINK_COST);
            desired.put(Pair.of(backup, router), BACKUP_UPLINK_COST);
            redial(Pair.of(primary, router), primaryDelayMillis);
            redial(Pair.of(backup, router), random.nextInt(withinMillis));
        }
    }

    int edges() {
        return uplinks.length;
    }

    /** Router number of edge {@code k} (for {@link #id}, {@link #core}, {@link #running}). */
    int edgeRouter(int k) {
        return interiors + k;
    }

    int primaryOf(int k) {
        return uplinks[k][0];
    }

    int backupOf(int k) {
        return uplinks[k][1];
    }

    /** When edge {@code k} dialled its primary. */
    long primaryDialMillis(int k) {
        return uplinks[k][2];
    }

    /** The address view {@code router}'s core published at its last tick; null before its first. */
    AddressSnapshotView publishedView(int router) {
        return publishedViews[router];
    }

    // ---- topology -------------------------------------------------------------------------------------------------

    /** A random spanning tree plus {@code extraLinks} random links, costs 1-10, all dialled at time zero. */
    void randomTopology(int extraLinks) {
        for (int i = 1; i < interiors; i++) {
            addLink(i, random.nextInt(i));
        }
        for (int k = 0; k < extraLinks; k++) {
            addLink(random.nextInt(interiors), random.nextInt(interiors));
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
        int size = 1 + random.nextInt(Math.max(1, interiors / 4));
        while (side.size() < size) {
            side.add(random.nextInt(interiors));
        }
        List<Pair> cut = new ArrayList<>();
        for (Pair pair : desired.keySet()) {
            if (pair.b < interiors && side.contains(pair.a) != side.contains(pair.b)) {
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
        int router = random.nextInt(interiors);
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

    /** Gives {@code router} local consumers of plain {@code addresses} (taken by its core now, or when it starts). */
    void addConsumers(int router, Collection<String> addresses) {
        for (String name : addresses) {
            Address address = Address.plain(name);
            if (consumers.computeIfAbsent(router, k -> new LinkedHashSet<>()).add(address) && !restarting[router]) {
                cores[router].addLocalConsumer(address);
            }
        }
    }

    /** Control messages delivered so far, by message type. */
    Map<String, Long> deliveredByType() {
        return Map.copyOf(deliveredByType);
    }

    /** Of those, the ones edge routers received. */
    Map<String, Long> receivedByEdgesByType() {
        return Map.copyOf(receivedByEdgesByType);
    }

    /** Adds or removes a consumer of one of ten churn addresses at a random running router. */
    void toggleRandomConsumer() {
        int router = random.nextInt(interiors);
        if (restarting[router]) {
            return;
        }
        Address address = Address.plain("churn-" + random.nextInt(10));
        Set<Address> held = consumers.computeIfAbsent(router, k -> new LinkedHashSet<>());
        if (held.remove(address)) {
            cores[router].removeLocalConsumer(address);
        } else {
            held.add(address);
            cores[router].addLocalConsumer(address);
        }
    }

    /** The plain addresses router {@code router} consumes (the truth the address views are checked against). */
    Set<String> consumersOf(int router) {
        Set<String> names = new TreeSet<>();
        for (Address address : consumers.getOrDefault(router, Set.of())) {
            if (address.kind() == AddressKind.PLAIN) {
                names.add(address.name());
            }
        }
        return names;
    }

    /** Every address router {@code router} consumes, topic filters included. */
    Set<Address> addressesOf(int router) {
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

    /** Interior routers (numbered 0 to size - 1). */
    int size() {
        return interiors;
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

    /** Cost matrix of the live links between interiors, in id order (the truth the routes are checked against). */
    int[][] liveCosts() {
        int[][] cost = new int[interiors][interiors];
        for (Link link : live.values()) {
            if (link.pair.b >= interiors) {
                continue;
            }
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
                template.deadIntervalMillis(), template.linkStateRefreshMillis(), template.linkStateMaxAgeMillis(),
                router >= interiors);
        TimeSource clock = () -> nowMillis * 1_000_000L;
        Sender sender = new Sender(router);
        RouterCore core = new RouterCore(settings, AddressRules.none(), clock, sender, table -> { },
                view -> publishedViews[router] = view);
        sender.owner = core;
        consumers.getOrDefault(router, Set.of()).forEach(core::addLocalConsumer);
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
                Link link = new Link(pair, nextLinkId++, nextLinkId++, desired.get(pair), new long[2]);
                live.put(pair, link);
                linkById.put(link.linkIdA, link);
                linkById.put(link.linkIdB, link);
                // b is the edge on an edge link: the interior end is told so, the edge takes every link as an uplink
                cores[pair.a].onLinkUp(link.linkIdA, ids[pair.b], instances[pair.b], link.cost, pair.b >= interiors);
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
                long delayMillis = 1 + random.nextInt(50);
                if (link.pair.b >= interiors) { // an edge link keeps its order: no overtaking
                    int direction = fromA ? 0 : 1;
                    long at = Math.max(nowMillis + delayMillis, link.lastDeliveryMillis[direction]);
                    link.lastDeliveryMillis[direction] = at;
                    delayMillis = at - nowMillis;
                }
                schedule(delayMillis, () -> {
                    if (linkById.get(peerLinkId) == link) { // still the same live link
                        delivered++;
                        String type = message.getClass().getSimpleName();
                        deliveredByType.merge(type, 1L, Long::sum);
                        if (peer >= interiors) {
                            receivedByEdgesByType.merge(type, 1L, Long::sum);
                        }
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
