package io.vanrouter.core;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.address.AddressTable;
import io.vanrouter.core.edge.EdgeAttachments;
import io.vanrouter.core.edge.Uplinks;
import io.vanrouter.core.hello.Adjacency;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.core.hello.Neighbor;
import io.vanrouter.core.hello.NeighborTable.HelloResult;
import io.vanrouter.core.hello.NeighborTable;
import io.vanrouter.core.linkstate.FloodingEngine.UpdateResult;
import io.vanrouter.core.linkstate.FloodingEngine;
import io.vanrouter.core.linkstate.LinkStateDatabase;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.core.path.PathEngine;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.port.AddressViewListener;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.core.port.RoutingListener;
import io.vanrouter.core.port.TimeSource;
import io.vanrouter.core.status.RouterView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One router's routing engine: neighbours (hello), link-state database and flooding, shortest paths. A pure state
 * machine: it owns no thread, socket or clock. Every method is called on one thread (the core thread); the
 * transport turns socket events into these calls and the {@link ControlSender} carries its output.
 *
 * <p>Contract with the transport:
 * <ul>
 *   <li>{@link #onLinkUp} after a link's handshake succeeded; {@code cost} is already the agreed link cost (the larger
 *       of both ends' configured costs). The core sends its first hello on the link at once.</li>
 *   <li>{@link #onLinkDown} when the connection closed for any reason; the neighbour is removed at once.</li>
 *   <li>{@link #onMessage} for each decoded control record received on a link.</li>
 *   <li>{@link #onLinkActivity} at most every hello interval / 4 per link while any frames arrive on it.</li>
 *   <li>{@link #tick} regularly (every 50-100 ms, and after each batch of events): sends due hellos, expires
 *       neighbours past the dead interval, refreshes and ages link state, and recomputes routes when anything
 *       changed. An edge router's owner may instead tick only when {@link #nanosUntilTickDue} says (and after each
 *       batch of events).</li>
 * </ul>
 *
 * <p>Besides the hello due at link up and every interval, one extra hello is sent on a link when the first hello
 * arrives on it, so the peer sees itself listed without waiting a full interval. Bad input (unknown link, malformed
 * record, mismatched hello) is logged and dropped; it never throws.
 *
 * <p>Core thread only. Not thread-safe.
 */
public final class RouterCore {
    private static final Logger HELLO_LOG = LoggerFactory.getLogger("vanrouter.hello");

    private final CoreSettings settings;
    private final TimeSource clock;
    private final ControlSender sender;
    private final String self;
    private final NeighborTable neighbors;
    private final FloodingEngine flooding;
    private final RouteComputer routes;
    private final AddressSync addresses;
    private final RoutingCounters routingCounters = new RoutingCounters();
    /** Interior: links from edge routers, kept apart from {@link #neighbors} so they never enter link state. */
    private final NeighborTable edgeLinks;
    private final EdgeAttachments edges;
    /** Edge mode: the links to interior routers (all of {@link #neighbors}). */
    private final Uplinks uplinks = new Uplinks();
    private long routesGenerationSeen = -1;

    /** A core without address rules whose address views go nowhere (routing-only tests). */
    public RouterCore(CoreSettings settings, TimeSource clock, ControlSender sender, RoutingListener listener) {
        this(settings, AddressRules.none(), clock, sender, listener, AddressViewListener.IGNORE);
    }

    public RouterCore(CoreSettings settings, AddressRules addressRules, TimeSource clock, ControlSender sender,
            RoutingListener listener, AddressViewListener addressListener) {
        this.settings = settings;
        this.clock = clock;
        this.sender = sender;
        this.self = settings.routerId();
        long now = clock.nanoTime();
        this.neighbors = new NeighborTable(self, settings.helloIntervalMillis(), settings.deadIntervalMillis());
        this.flooding = new FloodingEngine(self, settings.instance(), sender, new LinkStateDatabase(),
                settings.linkStateRefreshMillis(), settings.linkStateMaxAgeMillis(), now);
        this.routes = new RouteComputer(self, new PathEngine(), listener, clock, routingCounters);
        AddressTable addressTable = new AddressTable(self, settings.instance(), addressRules, clock);
        this.addresses = new AddressSync(self, addressTable, sender, addressListener);
        flooding.addressSequenceSource(() -> addressTable.advertiser().sequence());
        this.edgeLinks = new NeighborTable(self, settings.helloIntervalMillis(), settings.deadIntervalMillis());
        this.edges = new EdgeAttachments(addressTable);
    }

    public CoreSettings settings() {
        return settings;
    }

    public void onLinkUp(long linkId, String peerId, long peerInstance, int cost) {
        onLinkUp(linkId, peerId, peerInstance, cost, false);
    }

    /**
     * A link came up; {@code peerIsEdge} when the peer is an edge router. An interior router attaches an edge at once
     * (its route is published without SPF and its link never enters link state); an edge router takes every link as
     * an uplink.
     */
    public void onLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge) {
        onLinkUp(linkId, peerId, peerInstance, cost, peerIsEdge, null);
    }

    /**
     * As {@link #onLinkUp(long, String, long, int, boolean)}, with the hello and dead intervals the peer announced in
     * its handshake (null: none). An interior router keeps an edge's own intervals on the edge's link, so both ends
     * agree on them; everywhere else each router uses its own settings.
     */
    public void onLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge,
            Liveness peerLiveness) {
        if (peerId == null || peerId.isEmpty() || peerId.equals(self) || cost < 1) {
            HELLO_LOG.warn("[{} L{} peer={}] link up ignored: bad peer id or cost {}", self, linkId, peerId, cost);
            return;
        }
        long now = clock.nanoTime();
        if (peerIsEdge) {
            attachEdge(linkId, peerId, peerInstance, cost, peerLiveness, now);
            return;
        }
        Neighbor neighbor = neighbors.add(linkId, peerId, peerInstance, cost, now);
        if (neighbor == null) {
            HELLO_LOG.warn("[{} L{} peer={}] link up ignored: link id already in use", self, linkId, peerId);
            return;
        }
        HELLO_LOG.info("[{} L{} peer={}] link up (cost {}, instance {})", self, linkId, peerId, cost, peerInstance);
        if (flooding.onPeerInstance(peerId, peerInstance)) {
            routes.markDirty();
        }
        sendHellos(List.of(neighbor), now);
        neighbors.takeDueHellos(now); // reschedules this link's next hello one interval later
        if (settings.edge()) {
            uplinks.add(linkId, peerId, cost);
            reconcileUplinks();
        }
    }

    private void attachEdge(long linkId, String peerId, long peerInstance, int cost, Liveness liveness, long now) {
        if (settings.edge()) {
            HELLO_LOG.warn("[{} L{} peer={}] link up ignored: an edge router does not take edge routers", self,
                    linkId, peerId);
            sender.closeLink(linkId, "an edge router does not take edge routers");
            return;
        }
        if (routes.current().routes().containsKey(peerId)) {
            String why = "edge router " + peerId + " refused: an interior router of this network has that id";
            HELLO_LOG.warn("[{} L{} edge={}] {}", self, linkId, peerId, why);
            sender.closeLinkDuplicateId(linkId, why);
            return;
        }
        long stale = edges.linkOf(peerId);
        if (stale >= 0 && stale != linkId) {
            // The edge dialled again: it gave up on the old link (or restarted) before this router noticed.
            String why = "replaced by a new link from the same edge router (L" + linkId + ")";
            detachEdge(stale, why);
            sender.closeLink(stale, why);
        }
        edges.attach(peerId, linkId, cost);
        Neighbor neighbor = edgeLinks.add(linkId, peerId, peerInstance, cost, now, liveness);
        if (neighbor == null) {
            edges.detachLink(linkId);
            return;
        }
        HELLO_LOG.info("[{} L{} edge={}] edge router attached (instance {}, hello {} ms, dead {} ms{}, {} edges)",
                self, linkId, peerId, peerInstance, neighbor.helloIntervalNanos() / 1_000_000L,
                neighbor.deadIntervalNanos() / 1_000_000L, liveness == null ? ": this router's" : ": the edge's",
                edges.size());
        routes.publishAttached(edges.routes(), null);
        sendEdgeHellos(List.of(neighbor), now);
        edgeLinks.takeDueHellos(now);
    }

    private void detachEdge(long linkId, String reason) {
        Neighbor removed = edgeLinks.remove(linkId);
        String edgeId = edges.detachLink(linkId);
        if (removed == null && edgeId == null) {
            return;
        }
        HELLO_LOG.info("[{} L{} edge={}] edge router detached: {} ({} edges left)", self, linkId,
                edgeId != null ? edgeId : removed.peerId(), reason, edges.size());
        routes.publishAttached(edges.routes(), null);
    }

    /**
     * Edge mode: after any uplink change, keeps or replaces the active uplink, publishes the routes to the uplinks
     * (the active one as the default route) and sends this router's consumers to a new active uplink (and an empty
     * snapshot to the one it left, if that is still up).
     */
    private void reconcileUplinks() {
        Uplinks.Uplink previous = uplinks.active();
        boolean changed = uplinks.reselect();
        routes.publishAttached(uplinks.routes(), uplinks.defaultRoute());
        Uplinks.Uplink active = uplinks.active();
        if (!changed) {
            return;
        }
        if (previous != null && uplinks.get(previous.linkId()) != null) {
            // Left for a cheaper uplink while still up: it would go on advertising our consumers as its own.
            addresses.withdrawOwn(previous.linkId());
        }
        if (active == null) {
            HELLO_LOG.warn("[{}] no uplink left: serving local consumers only", self);
            return;
        }
        HELLO_LOG.info("[{} L{} peer={}] active uplink now {} ({} uplinks)", self, active.linkId(), active.peerId(),
                active.peerId(), uplinks.size());
        addresses.resync(active.linkId());
    }

    /**
     * The link's agreed cost changed (a reload at either end): this router's link state is originated again with it
     * and routes are computed again; the link itself and what it carries are untouched.
     */
    public void onLinkCost(long linkId, int cost) {
        if (cost < 1) {
            HELLO_LOG.warn("[{} L{}] link cost change ignored: bad cost {}", self, linkId, cost);
            return;
        }
        Neighbor neighbor = neighbors.setCost(linkId, cost);
        if (neighbor == null) {
            return;
        }
        HELLO_LOG.info("[{} L{} peer={}] link cost now {}", self, linkId, neighbor.peerId(), cost);
        reconcileAdjacencies(List.of(), clock.nanoTime());
    }

    public void onLinkDown(long linkId, String reason) {
        if (edgeLinks.get(linkId) != null) {
            detachEdge(linkId, reason);
            return;
        }
        Neighbor removed = neighbors.remove(linkId);
        if (removed == null) {
            return;
        }
        HELLO_LOG.info("[{} L{} peer={}] neighbour lost: {}", self, linkId, removed.peerId(), reason);
        reconcileAdjacencies(List.of(), clock.nanoTime());
    }

    public void onMessage(long linkId, ControlMessage message) {
        long now = clock.nanoTime();
        if (edgeLinks.get(linkId) != null) {
            onEdgeMessage(linkId, message, now);
            return;
        }
        if (settings.edge() && !(message instanceof Hello || message instanceof AddressSyncRequest)) {
            HELLO_LOG.debug("[{} L{}] {} dropped: an edge router takes no link state or addresses", self, linkId,
                    message.getClass().getSimpleName());
            return;
        }
        if (message instanceof Hello hello) {
            onHello(linkId, hello, now);
        } else if (message instanceof LinkStateUpdate update) {
            if (neighbors.get(linkId) == null) {
                HELLO_LOG.debug("[{} L{}] link state update on unknown link dropped", self, linkId);
                return;
            }
            UpdateResult result = flooding.onUpdate(linkId, update.linkState(), neighbors.twoWayLinkIds(), now);
            routingCounters.linkStateReceived(result == UpdateResult.STORED_CHANGED);
            if (result == UpdateResult.STORED_CHANGED) {
                routes.markDirty();
            }
            if (result == UpdateResult.STORED_CHANGED || result == UpdateResult.STORED_REFRESH) {
                addresses.checkBehind(linkId, update.linkState(), now);
            }
        } else {
            onAddressMessage(linkId, message, now);
        }
    }

    /** A record from an attached edge router: hellos keep it alive, address records change its consumers. */
    private void onEdgeMessage(long linkId, ControlMessage message, long now) {
        Neighbor link = edgeLinks.get(linkId);
        EdgeAttachments.Outcome outcome;
        if (message instanceof Hello hello) {
            HelloResult result = edgeLinks.onHello(linkId, hello, now);
            if (result == HelloResult.FIRST_HEARD || result == HelloResult.BECAME_TWO_WAY) {
                sendEdgeHellos(List.of(link), now);
            }
            if (result == HelloResult.BECAME_TWO_WAY && edges.awaitsSnapshot(link.peerId())) {
                // The edge sends its snapshot at link up, before the hello that lists us: had it arrived, it would
                // have been applied by now. It can reach this core before the link up does (and is dropped then);
                // nothing else the edge sends would repair that, so ask. A backup uplink gets an empty snapshot.
                HELLO_LOG.debug("[{} L{} edge={}] no address snapshot from the edge yet: requesting one", self, linkId,
                        link.peerId());
                sender.send(linkId, new AddressSyncRequest(link.peerId()));
            } else if (result == HelloResult.MISMATCH) {
                HELLO_LOG.warn("[{} L{} edge={}] hello from {} does not match the link's handshake: ignored", self,
                        linkId, link.peerId(), hello.routerId());
            }
            return;
        } else if (message instanceof AddressSnapshot snapshot) {
            outcome = edges.onSnapshot(link.peerId(), snapshot);
        } else if (message instanceof AddressUpdate update) {
            outcome = edges.onUpdate(link.peerId(), update);
        } else {
            HELLO_LOG.warn("[{} L{} edge={}] {} from an edge router dropped: edges take no part in link state", self,
                    linkId, link.peerId(), message.getClass().getSimpleName());
            return;
        }
        if (outcome == EdgeAttachments.Outcome.REQUEST_SNAPSHOT) {
            sender.send(linkId, new AddressSyncRequest(link.peerId()));
        }
    }

    private void sendEdgeHellos(List<Neighbor> links, long now) {
        for (Neighbor neighbor : links) {
            sender.send(neighbor.linkId(), new Hello(self, settings.instance(), edgeLinks.seen(neighbor, now)));
        }
    }

    private void onAddressMessage(long linkId, ControlMessage message, long now) {
        if (neighbors.get(linkId) == null) {
            HELLO_LOG.debug("[{} L{}] address message on unknown link dropped", self, linkId);
            return;
        }
        if (message instanceof AddressUpdate update) {
            addresses.onUpdate(linkId, update, neighbors.twoWayLinkIds(), now);
        } else if (message instanceof AddressSnapshot snapshot) {
            addresses.onSnapshot(linkId, snapshot, neighbors.twoWayLinkIds(), now);
        } else if (message instanceof AddressSyncRequest request) {
            Uplinks.Uplink active = uplinks.active();
            if (settings.edge() && request.origin().equals(self) && (active == null || active.linkId() != linkId)) {
                // Not our active uplink: it must not advertise our consumers as its own (see reconcileUplinks).
                addresses.withdrawOwn(linkId);
                return;
            }
            addresses.onSyncRequest(linkId, request);
        }
    }

    /**
     * Frames arrived on {@code linkId} since the last report: the neighbour is alive even when its hellos wait behind
     * data on the same connection. Restarts the dead timer of a two-way link; ignored otherwise.
     */
    public void onLinkActivity(long linkId) {
        long now = clock.nanoTime();
        if (!neighbors.onActivity(linkId, now)) {
            edgeLinks.onActivity(linkId, now);
        }
    }

    /**
     * The owner noticed that this core was not run for {@code pausedNanos} (its own thread stalled: GC pause, SIGSTOP,
     * CPU starvation). Neighbours are not blamed for a silence this router could not have heard: their dead timers
     * move forward by the pause. Call it before the next {@link #tick}.
     */
    public void onPaused(long pausedNanos) {
        long now = clock.nanoTime();
        long millis = TimeUnit.NANOSECONDS.toMillis(pausedNanos);
        String format = "[{}] this router did not run for {} ms (GC pause, SIGSTOP or CPU starvation): neighbours' "
                + "dead timers moved forward by as much";
        if (millis >= settings.helloIntervalMillis()) {
            HELLO_LOG.warn(format, self, millis);
        } else {
            HELLO_LOG.debug(format, self, millis);
        }
        neighbors.forgivePause(pausedNanos, now);
        edgeLinks.forgivePause(pausedNanos, now);
    }

    /** Distribution rules from a reloaded configuration; the next address view uses them. */
    public void replaceAddressRules(AddressRules rules) {
        addresses.table().replaceRules(rules);
        HELLO_LOG.info("[{}] address rules replaced ({} rules)", self, rules.rules().size());
    }

    /** A local consumer (TCP connector, MQTT subscription) of {@code address} appeared; advertised in the next batch. */
    public void addLocalConsumer(Address address) {
        addresses.table().localAdd(address);
    }

    /** A local consumer of {@code address} went away; withdrawn network-wide with its last consumer. */
    public void removeLocalConsumer(Address address) {
        addresses.table().localRemove(address);
    }

    /** The newest address view (also handed to the address listener when it changes). */
    public AddressSnapshotView addressView() {
        return addresses.table().view();
    }

    private void onHello(long linkId, Hello hello, long now) {
        Neighbor neighbor = neighbors.get(linkId);
        boolean firstHeard = neighbor != null && !neighbor.heard();
        HelloResult result = neighbors.onHello(linkId, hello, now);
        switch (result) {
            case UNKNOWN_LINK -> HELLO_LOG.debug("[{} L{}] hello on unknown link dropped", self, linkId);
            case MISMATCH -> HELLO_LOG.warn("[{} L{} peer={}] hello from {} instance {} does not match the link's "
                    + "handshake (instance {}): protocol confusion, ignored", self, linkId, neighbor.peerId(),
                    hello.routerId(), hello.instance(), neighbor.peerInstance());
            case FIRST_HEARD -> sendHellos(List.of(neighbor), now);
            case BECAME_TWO_WAY -> {
                HELLO_LOG.info("[{} L{} peer={}] neighbour two-way (cost {})", self, linkId, neighbor.peerId(),
                        neighbor.cost());
                if (firstHeard) {
                    sendHellos(List.of(neighbor), now);
                }
                reconcileAdjacencies(List.of(linkId), now);
            }
            case REFRESHED -> {
                // dead timer refreshed; nothing else to do
            }
        }
    }

    /** Whether work is left that {@link #runPendingWork} continues (a large address snapshot being applied). */
    public boolean hasPendingWork() {
        return addresses.table().hasPending();
    }

    /**
     * Does one bounded slice of pending work: the owner calls it between commands while {@link #hasPendingWork}, so
     * that hellos and link events are never held behind a large snapshot. {@link #tick} does one slice too.
     */
    public void runPendingWork() {
        addresses.table().applyPending(AddressTable.SNAPSHOT_SLICE_ENTRIES);
    }

    /**
     * Edge mode: nanoseconds from now until {@link #tick} has something to do (0 when it has already): the next hello
     * due on an uplink, the next dead interval to expire, the local address batch to send, or pending work;
     * {@link Long#MAX_VALUE} when nothing is scheduled (no uplink and no batch open). Until then a tick changes
     * nothing, so an idle edge's owner may sleep until then; only calls in between (a message, a link up or down, a
     * consumer added) can bring the time forward, and the owner ticks after each batch of them anyway. An edge runs no
     * link-state timers (refresh, aging) and no SPF, so nothing else is due.
     *
     * @throws IllegalStateException on an interior router, which relies on regular ticks (link-state refresh and
     *                               aging, route recomputation)
     */
    public long nanosUntilTickDue() {
        if (!settings.edge()) {
            throw new IllegalStateException("only an edge router's core reports when its next tick is due");
        }
        if (hasPendingWork()) {
            return 0;
        }
        long now = clock.nanoTime();
        long until = Math.min(neighbors.nanosUntilDue(now), edgeLinks.nanosUntilDue(now));
        return Math.min(until, addresses.table().advertiser().nanosUntilBatchDue(now));
    }

    public void tick() {
        long now = clock.nanoTime();
        runPendingWork();
        List<Neighbor> dead = neighbors.expired(now);
        for (Neighbor neighbor : dead) {
            String reason = "dead interval expired (nothing heard for " + settings.deadIntervalMillis() + " ms)";
            neighbors.remove(neighbor.linkId());
            HELLO_LOG.info("[{} L{} peer={}] neighbour lost: {}", self, neighbor.linkId(), neighbor.peerId(), reason);
            sender.closeLink(neighbor.linkId(), reason);
        }
        if (!dead.isEmpty()) {
            reconcileAdjacencies(List.of(), now);
        }
        sendHellos(neighbors.takeDueHellos(now), now);
        for (Neighbor edge : edgeLinks.expired(now)) {
            String reason = "dead interval expired (nothing heard for " + edge.deadIntervalNanos() / 1_000_000L
                    + " ms)";
            detachEdge(edge.linkId(), reason);
            sender.closeLink(edge.linkId(), reason);
        }
        sendEdgeHellos(edgeLinks.takeDueHellos(now), now);
        if (settings.edge()) {
            Uplinks.Uplink active = uplinks.active();
            addresses.tick(now, active == null ? List.of() : List.of(active.linkId()));
            return;
        }
        flooding.refreshIfDue(neighbors.twoWayLinkIds(), now);
        if (!flooding.age(now).isEmpty()) {
            routes.markDirty();
        }
        routes.recomputeIfDirty(neighbors.adjacencies(), flooding.database().records());
        RoutingTable table = routes.current();
        if (table.generation() != routesGenerationSeen) {
            routesGenerationSeen = table.generation();
            addresses.onRoutingTable(table, flooding.database(), now);
        }
        addresses.tick(now, neighbors.twoWayLinkIds());
    }

    /** Edge routers attached to this interior router, with the addresses each advertised. */
    public Map<String, Integer> attachedEdges() {
        Map<String, Integer> result = new TreeMap<>();
        for (String edge : edges.routes().keySet()) {
            result.put(edge, edges.addressCount(edge));
        }
        return result;
    }

    /** Edge mode: the active uplink's router id, or null. */
    public String activeUplink() {
        Uplinks.Uplink active = uplinks.active();
        return active == null ? null : active.peerId();
    }

    /** What the routing engine did since start (SPF runs and time, link-state records); any thread may read it. */
    public RoutingCounters routingCounters() {
        return routingCounters;
    }

    /** The newest routing table (also handed to the listener when it changes). */
    public RoutingTable routingTable() {
        return routes.current();
    }

    /** A snapshot for status; cheap enough to build on demand. */
    public RouterView view() {
        Uplinks.Uplink active = uplinks.active();
        return StatusViews.build(settings, flooding, neighbors, edgeLinks, active == null ? -1 : active.linkId(),
                routes.current(), routes::routeChangedNanos, clock.nanoTime());
    }

    private void sendHellos(List<Neighbor> links, long now) {
        for (Neighbor neighbor : links) {
            sender.send(neighbor.linkId(), new Hello(self, settings.instance(), neighbors.seen(neighbor, now)));
        }
    }

    /**
     * After any neighbour change: re-originates our record if the adjacencies changed (flooding it to the links that
     * were already two-way), then sends the whole database to links that just became two-way.
     */
    private void reconcileAdjacencies(List<Long> newTwoWayLinks, long now) {
        if (settings.edge()) { // no link state: only the uplinks change
            List<Long> live = new ArrayList<>();
            neighbors.all().forEach(neighbor -> live.add(neighbor.linkId()));
            uplinks.retainOnly(live);
            reconcileUplinks();
            return;
        }
        Map<String, Adjacency> adjacencies = neighbors.adjacencies();
        Map<String, Integer> peers = new TreeMap<>();
        adjacencies.forEach((peer, adjacency) -> peers.put(peer, adjacency.cost()));
        if (!flooding.ownPeersEqual(peers)) {
            List<Long> floodLinks = new ArrayList<>(neighbors.twoWayLinkIds());
            floodLinks.removeAll(newTwoWayLinks);
            flooding.originate(peers, floodLinks, now);
            routingCounters.ownLinkStateOriginated();
        }
        routes.markDirty(); // next-hop links may have changed even when costs did not
        for (long linkId : newTwoWayLinks) {
            flooding.resync(linkId);
            addresses.resync(linkId);
        }
    }
}
