package io.vanrouter.core.edge;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.address.AddressTable;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.path.Route;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The edge routers attached to this interior router: the link of each and the consumers it advertised (a snapshot,
 * then numbered updates, like any origin). Their consumers are folded into this router's address table: shown under
 * the edge's id in the local view, advertised to the network as this router's own.
 *
 * <p>Core thread only.
 */
public final class EdgeAttachments {

    /** What became of an edge's address message. */
    public enum Outcome {
        APPLIED,
        /** Not from an attached edge, a stale instance or a duplicate: dropped. */
        IGNORED,
        /** A gap or a new instance without a snapshot: ask the edge for one. */
        REQUEST_SNAPSHOT
    }

    private final AddressTable table;
    private final Map<String, Edge> edges = new TreeMap<>();

    private static final class Edge {
        final long linkId;
        final int cost;
        long instance = -1;
        long sequence = -1;
        final Map<Address, Integer> entries = new HashMap<>();

        Edge(long linkId, int cost) {
            this.linkId = linkId;
            this.cost = cost;
        }
    }

    public EdgeAttachments(AddressTable table) {
        this.table = table;
    }

    /** Attaches edge {@code edgeId} on {@code linkId}; false when it is already attached on another link. */
    public boolean attach(String edgeId, long linkId, int cost) {
        Edge held = edges.get(edgeId);
        if (held != null) {
            return held.linkId == linkId;
        }
        edges.put(edgeId, new Edge(linkId, cost));
        return true;
    }

    /** Detaches the edge on {@code linkId} and withdraws its consumers; returns its id, or null if none was there. */
    public String detachLink(long linkId) {
        for (Map.Entry<String, Edge> entry : edges.entrySet()) {
            if (entry.getValue().linkId == linkId) {
                String edgeId = entry.getKey();
                Edge edge = edges.remove(edgeId);
                edge.entries.forEach((address, count) -> table.attachedSet(edgeId, address, count, 0));
                return edgeId;
            }
        }
        return null;
    }

    /** The link edge {@code edgeId} is attached on, or -1. */
    public long linkOf(String edgeId) {
        Edge edge = edges.get(edgeId);
        return edge == null ? -1 : edge.linkId;
    }

    /**
     * Whether edge {@code edgeId} is attached and no snapshot of its consumers was applied yet: the one it sends at
     * link up was lost (it arrived before this router knew the link) or it did not send one (this is not its active
     * uplink).
     */
    public boolean awaitsSnapshot(String edgeId) {
        Edge edge = edges.get(edgeId);
        return edge != null && edge.instance < 0;
    }

    public boolean isAttached(String edgeId) {
        return edges.containsKey(edgeId);
    }

    public int size() {
        return edges.size();
    }

    /** Consumers edge {@code edgeId} advertised (distinct addresses); 0 when not attached. */
    public int addressCount(String edgeId) {
        Edge edge = edges.get(edgeId);
        return edge == null ? 0 : edge.entries.size();
    }

    /** One route per attached edge: its own link, one hop. */
    public Map<String, Route> routes() {
        Map<String, Route> routes = new TreeMap<>();
        edges.forEach((id, edge) -> routes.put(id, new Route(id, id, edge.linkId, edge.cost, 1)));
        return routes;
    }

    /** A full snapshot of the edge's consumers: replaces what it held. */
    public Outcome onSnapshot(String edgeId, AddressSnapshot snapshot) {
        Edge edge = edges.get(edgeId);
        if (edge == null || !snapshot.origin().equals(edgeId) || snapshot.instance() < edge.instance) {
            return Outcome.IGNORED;
        }
        Map<Address, Integer> next = new HashMap<>();
        for (AddressEntry entry : snapshot.entries()) {
            if (entry.consumers() > 0) {
                next.put(entry.address(), entry.consumers());
            }
        }
        edge.entries.forEach((address, count) -> {
            if (!next.containsKey(address)) {
                table.attachedSet(edgeId, address, count, 0);
            }
        });
        next.forEach((address, count) -> table.attachedSet(edgeId, address, edge.entries.getOrDefault(address, 0),
                count));
        edge.entries.clear();
        edge.entries.putAll(next);
        edge.instance = snapshot.instance();
        edge.sequence = snapshot.sequence();
        return Outcome.APPLIED;
    }

    /** A numbered change of the edge's consumers: applied in sequence, a gap asks for a snapshot. */
    public Outcome onUpdate(String edgeId, AddressUpdate update) {
        Edge edge = edges.get(edgeId);
        if (edge == null || !update.routerId().equals(edgeId) || update.instance() < edge.instance) {
            return Outcome.IGNORED;
        }
        if (update.instance() > edge.instance || edge.sequence < 0 || update.sequence() > edge.sequence + 1) {
            return Outcome.REQUEST_SNAPSHOT;
        }
        if (update.sequence() <= edge.sequence) {
            return Outcome.IGNORED;
        }
        for (Address address : update.removes()) {
            Integer held = edge.entries.remove(address);
            if (held != null) {
                table.attachedSet(edgeId, address, held, 0);
            }
        }
        for (AddressEntry entry : update.adds()) {
            int held = edge.entries.getOrDefault(entry.address(), 0);
            if (entry.consumers() > 0) {
                edge.entries.put(entry.address(), entry.consumers());
            } else {
                edge.entries.remove(entry.address());
            }
            table.attachedSet(edgeId, entry.address(), held, Math.max(0, entry.consumers()));
        }
        edge.sequence = update.sequence();
        return Outcome.APPLIED;
    }
}
