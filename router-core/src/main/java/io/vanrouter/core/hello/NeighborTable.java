package io.vanrouter.core.hello;

import io.vanrouter.core.message.Hello;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hello state of every inter-router link of one router: which links are two-way (the peer's hello lists us), which
 * are due a hello, which have been silent for the dead interval, and the resulting adjacencies.
 *
 * <p>Several links to one peer may exist transiently (both sides dialled, or a reconnect before the old link closed):
 * the adjacency uses the cheapest two-way link, ties broken by the lowest link id.
 *
 * <p>Pure state: it sends nothing and logs nothing; {@code RouterCore} acts on the results. Core thread only.
 */
public final class NeighborTable {

    /** What a received hello did to its link. */
    public enum HelloResult {
        /** No such link. */
        UNKNOWN_LINK,
        /** Sender id or instance differs from the link's handshake: protocol confusion, ignored. */
        MISMATCH,
        /** Dead timer refreshed, nothing else changed. */
        REFRESHED,
        /** First hello ever on the link, peer does not list us yet: worth answering at once. */
        FIRST_HEARD,
        /** The peer lists us for the first time: the link is now two-way. */
        BECAME_TWO_WAY
    }

    private final String selfId;
    private final long helloIntervalNanos;
    private final long deadIntervalNanos;
    private final Map<Long, Neighbor> links = new TreeMap<>();
    private Map<String, Adjacency> adjacencyCache; // null when stale; rebuilt on demand
    private List<Long> twoWayCache;

    public NeighborTable(String selfId, long helloIntervalMillis, long deadIntervalMillis) {
        this.selfId = selfId;
        this.helloIntervalNanos = helloIntervalMillis * 1_000_000L;
        this.deadIntervalNanos = deadIntervalMillis * 1_000_000L;
    }

    /** Registers a link after its handshake; its first hello is due at once. Returns null if the id is taken. */
    public Neighbor add(long linkId, String peerId, long peerInstance, int cost, long nowNanos) {
        return add(linkId, peerId, peerInstance, cost, nowNanos, null);
    }

    /**
     * Registers a link with its own hello and dead intervals ({@code liveness}; null: this table's), as an interior
     * router does for an edge that announced them. Returns null if the id is taken.
     */
    public Neighbor add(long linkId, String peerId, long peerInstance, int cost, long nowNanos, Liveness liveness) {
        if (links.containsKey(linkId)) {
            return null;
        }
        long hello = liveness == null ? helloIntervalNanos : liveness.helloIntervalMillis() * 1_000_000L;
        long dead = liveness == null ? deadIntervalNanos : liveness.deadIntervalMillis() * 1_000_000L;
        Neighbor neighbor = new Neighbor(linkId, peerId, peerInstance, cost, nowNanos, hello, dead);
        links.put(linkId, neighbor);
        invalidate();
        return neighbor;
    }

    /** A link's agreed cost changed (a reload at either end); returns it, or null if unknown. */
    public Neighbor setCost(long linkId, int cost) {
        Neighbor neighbor = links.get(linkId);
        if (neighbor != null && neighbor.cost() != cost) {
            neighbor.cost(cost);
            invalidate();
        }
        return neighbor;
    }

    /** Removes a link; returns it, or null if unknown. */
    public Neighbor remove(long linkId) {
        Neighbor removed = links.remove(linkId);
        if (removed != null && removed.twoWay()) {
            invalidate();
        }
        return removed;
    }

    private void invalidate() {
        adjacencyCache = null;
        twoWayCache = null;
    }

    public Neighbor get(long linkId) {
        return links.get(linkId);
    }

    /** Every link, sorted by link id. */
    public Collection<Neighbor> all() {
        return Collections.unmodifiableCollection(links.values());
    }

    /** Applies a hello received on {@code linkId} at {@code nowNanos}. */
    public HelloResult onHello(long linkId, Hello hello, long nowNanos) {
        Neighbor neighbor = links.get(linkId);
        if (neighbor == null) {
            return HelloResult.UNKNOWN_LINK;
        }
        if (!neighbor.peerId().equals(hello.routerId()) || neighbor.peerInstance() != hello.instance()) {
            return HelloResult.MISMATCH;
        }
        boolean firstHeard = !neighbor.heard();
        neighbor.heardAt(nowNanos);
        if (!neighbor.twoWay() && hello.seen().contains(selfId)) {
            neighbor.twoWay(true);
            invalidate();
            return HelloResult.BECAME_TWO_WAY;
        }
        return firstHeard ? HelloResult.FIRST_HEARD : HelloResult.REFRESHED;
    }

    /**
     * Frames arrived on {@code linkId} (reported by the transport at most every hello interval / 4): the peer is alive
     * even if its hellos are queued behind data. Refreshes the dead timer of a two-way link only; a link that is not
     * two-way yet must prove itself by hellos. Returns true if the timer was refreshed.
     */
    public boolean onActivity(long linkId, long nowNanos) {
        Neighbor neighbor = links.get(linkId);
        if (neighbor == null || !neighbor.twoWay()) {
            return false;
        }
        neighbor.aliveAt(nowNanos);
        return true;
    }

    /** Router ids heard on this link within the dead interval: the {@code seen} list of our next hello on it. */
    public List<String> seen(Neighbor neighbor, long nowNanos) {
        if (neighbor.heard() && nowNanos - neighbor.lastHeardNanos() < neighbor.deadIntervalNanos()) {
            return List.of(neighbor.peerId());
        }
        return List.of();
    }

    /** Links whose hello is due at {@code nowNanos}; each is rescheduled one interval later. */
    public List<Neighbor> takeDueHellos(long nowNanos) {
        List<Neighbor> due = new ArrayList<>();
        for (Neighbor neighbor : links.values()) {
            if (nowNanos - neighbor.nextHelloNanos() >= 0) {
                due.add(neighbor);
                neighbor.nextHelloNanos(nowNanos + neighbor.helloIntervalNanos());
            }
        }
        return due;
    }

    /**
     * This router itself did not run for {@code pausedNanos} (a GC pause, SIGSTOP, a starved CPU): it could neither
     * hear nor send, so that silence says nothing about its neighbours. Moves every dead timer forward by the pause,
     * never past {@code nowNanos}.
     */
    public void forgivePause(long pausedNanos, long nowNanos) {
        for (Neighbor neighbor : links.values()) {
            long shifted = neighbor.lastHeardNanos() + pausedNanos;
            neighbor.aliveAt(nowNanos - shifted < 0 ? nowNanos : shifted);
        }
    }

    /** Links not heard for the dead interval or longer at {@code nowNanos} (not yet removed). */
    public List<Neighbor> expired(long nowNanos) {
        List<Neighbor> dead = new ArrayList<>();
        for (Neighbor neighbor : links.values()) {
            if (nowNanos - neighbor.lastHeardNanos() >= neighbor.deadIntervalNanos()) {
                dead.add(neighbor);
            }
        }
        return dead;
    }

    /**
     * Nanoseconds from {@code nowNanos} until this table next has something to do: the next hello due on a link or
     * the next dead interval to expire (0 when one is due already); {@link Long#MAX_VALUE} without links. Between now
     * and then, {@link #takeDueHellos} and {@link #expired} return nothing unless a link is added.
     */
    public long nanosUntilDue(long nowNanos) {
        long until = Long.MAX_VALUE;
        for (Neighbor neighbor : links.values()) {
            until = Math.min(until, neighbor.nextHelloNanos() - nowNanos);
            until = Math.min(until, neighbor.lastHeardNanos() + neighbor.deadIntervalNanos() - nowNanos);
        }
        return Math.max(0, until);
    }

    /** Two-way adjacencies by peer id: the cheapest two-way link to each peer, ties by lowest link id. Read-only. */
    public Map<String, Adjacency> adjacencies() {
        if (adjacencyCache == null) {
            adjacencyCache = Collections.unmodifiableMap(buildAdjacencies());
        }
        return adjacencyCache;
    }

    private Map<String, Adjacency> buildAdjacencies() {
        Map<String, Adjacency> result = new TreeMap<>();
        for (Neighbor neighbor : links.values()) { // ascending link id, so strict < keeps the lowest id on ties
            if (!neighbor.twoWay()) {
                continue;
            }
            Adjacency current = result.get(neighbor.peerId());
            if (current == null || neighbor.cost() < current.cost()) {
                result.put(neighbor.peerId(), new Adjacency(neighbor.peerId(), neighbor.linkId(), neighbor.cost()));
            }
        }
        return result;
    }

    /** Ids of the two-way links, ascending: where link state is flooded. Read-only. */
    public List<Long> twoWayLinkIds() {
        if (twoWayCache == null) {
            twoWayCache = Collections.unmodifiableList(buildTwoWayLinkIds());
        }
        return twoWayCache;
    }

    private List<Long> buildTwoWayLinkIds() {
        List<Long> ids = new ArrayList<>();
        for (Neighbor neighbor : links.values()) {
            if (neighbor.twoWay()) {
                ids.add(neighbor.linkId());
            }
        }
        return ids;
    }
}
