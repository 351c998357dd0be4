package io.vanrouter.core;

import io.vanrouter.core.hello.Neighbor;
import io.vanrouter.core.hello.NeighborTable;
import io.vanrouter.core.linkstate.FloodingEngine;
import io.vanrouter.core.linkstate.LinkStateDatabase;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.status.NeighborView;
import io.vanrouter.core.status.NodeView;
import io.vanrouter.core.status.RouterView;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/** Builds {@link RouterView} snapshots from core state. Pure helper; core thread only (it reads live state). */
final class StatusViews {
    private StatusViews() {
    }

    /**
     * The status of one core. Links to attached edge routers are listed with state {@code edge}; an edge router's
     * links are its uplinks, {@code uplink (active)} for the one in use.
     */
    static RouterView build(CoreSettings settings, FloodingEngine flooding, NeighborTable neighbors,
            NeighborTable edgeLinks, long activeUplinkLinkId, RoutingTable table,
            ToLongFunction<String> routeChangedNanos, long nowNanos) {
        String self = settings.routerId();
        LinkStateDatabase database = flooding.database();
        TreeSet<String> known = new TreeSet<>(table.routes().keySet());
        known.addAll(table.unreachable());
        database.records().forEach(record -> known.add(record.routerId()));
        known.remove(self);
        List<NodeView> nodes = new ArrayList<>(known.size());
        for (String id : known) {
            Route route = table.routes().get(id);
            LinkStateDatabase.Entry entry = database.entry(id);
            nodes.add(new NodeView(id, route != null,
                    route == null ? null : route.nextHop(),
                    route == null ? -1 : route.cost(),
                    route == null ? 0 : route.hops(),
                    entry == null ? -1 : entry.linkState().instance(),
                    entry == null ? -1 : entry.linkState().sequence(),
                    entry == null ? -1 : (nowNanos - entry.receivedNanos()) / 1_000_000L,
                    ageMillis(routeChangedNanos.applyAsLong(id), nowNanos)));
        }
        List<NeighborView> links = new ArrayList<>();
        for (Neighbor neighbor : neighbors.all()) {
            String state = neighbor.twoWay() ? "two-way" : "init";
            if (settings.edge()) {
                state = neighbor.linkId() == activeUplinkLinkId ? "uplink (active)" : "uplink";
            }
            links.add(new NeighborView(neighbor.linkId(), neighbor.peerId(), neighbor.cost(), state,
                    neighbor.heard() ? (nowNanos - neighbor.lastHelloNanos()) / 1_000_000L : -1));
        }
        for (Neighbor neighbor : edgeLinks.all()) {
            links.add(new NeighborView(neighbor.linkId(), neighbor.peerId(), neighbor.cost(), "edge",
                    neighbor.heard() ? (nowNanos - neighbor.lastHelloNanos()) / 1_000_000L : -1));
        }
        return new RouterView(self, settings.instance(), flooding.own().sequence(), nodes, links,
                ageMillis(flooding.peersChangedNanos(), nowNanos));
    }

    private static long ageMillis(long sinceNanos, long nowNanos) {
        return sinceNanos == Long.MIN_VALUE ? -1 : (nowNanos - sinceNanos) / 1_000_000L;
    }
}
