package io.vanrouter.core.edge;

import io.vanrouter.core.path.Route;
import java.util.Map;
import java.util.TreeMap;

/**
 * An edge router's links to interior routers. One is active: the edge sends its consumers to it and routes everything
 * not local through it. The cheapest uplink (link cost) is active; among equals the active one is kept while it is up
 * (no flapping back and forth), and when it goes the oldest remaining link takes over at once. So equal costs make
 * uplinks peers, and a lower cost makes one the primary the edge returns to when it is back.
 *
 * <p>Core thread only.
 */
public final class Uplinks {

    /** One uplink; {@code linkId} grows with every new link, so the smallest is the oldest. */
    public record Uplink(String peerId, long linkId, int cost) {
        Route route() {
            return new Route(peerId, peerId, linkId, cost, 1);
        }
    }

    private final Map<Long, Uplink> byLink = new TreeMap<>();
    private Uplink active;

    public void add(long linkId, String peerId, int cost) {
        byLink.put(linkId, new Uplink(peerId, linkId, cost));
    }

    /** Returns the removed uplink, or null when {@code linkId} was not one. */
    public Uplink remove(long linkId) {
        return byLink.remove(linkId);
    }

    /** Drops every uplink whose link is not in {@code liveLinks}. */
    public void retainOnly(java.util.Collection<Long> liveLinks) {
        byLink.keySet().retainAll(liveLinks);
    }

    public Uplink get(long linkId) {
        return byLink.get(linkId);
    }

    /** Takes the cheapest uplink, keeping the active one among equals; true when the active uplink changed. */
    public boolean reselect() {
        Uplink next = active != null && byLink.containsKey(active.linkId()) ? active : null;
        for (Uplink uplink : byLink.values()) { // oldest first
            if (next == null || uplink.cost() < next.cost()) {
                next = uplink;
            }
        }
        boolean changed = next != active;
        active = next;
        return changed;
    }

    /** The active uplink, or null when the edge has none (then it serves only its local consumers). */
    public Uplink active() {
        return active;
    }

    public int size() {
        return byLink.size();
    }

    /** A route to every uplink, by peer id (the oldest link of a peer with several). */
    public Map<String, Route> routes() {
        Map<String, Route> routes = new TreeMap<>();
        byLink.values().forEach(uplink -> routes.putIfAbsent(uplink.peerId(), uplink.route()));
        if (active != null) {
            routes.put(active.peerId(), active.route());
        }
        return routes;
    }

    /** The default route of the edge: its active uplink, or null. */
    public Route defaultRoute() {
        return active == null ? null : active.route();
    }
}
