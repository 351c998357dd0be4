package io.vanrouter.transport.stream;

import io.vanrouter.core.address.AddressRoute;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.address.Distribution;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.adaptor.RoutingView;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The choice for OPENs that an interior router re-chooses because of edge routers (see
 * {@link OpenChooser}): the address's distribution over this router's own connector, its attached edges' and, for an
 * edge's OPEN, every reachable router's, as a listener here would choose.
 *
 * <p>Any thread: reads the core's published snapshots.
 */
public final class AttachedOpenChooser implements OpenChooser {
    private final RoutingView core;
    private final Map<Distribution, ConnectorChooser> choosers = new EnumMap<>(Distribution.class);

    /** The chooser over {@code core}'s published routes and addresses. */
    public static AttachedOpenChooser over(RoutingView core) {
        return new AttachedOpenChooser(core);
    }

    private AttachedOpenChooser(RoutingView core) {
        this.core = core;
        for (Distribution distribution : Distribution.values()) {
            choosers.put(distribution, ConnectorChooser.of(distribution));
        }
    }

    @Override
    public String choose(String address, boolean anywhere) {
        AddressSnapshotView view = core.addressView();
        RoutingTable routes = core.routingTable();
        AddressRoute route = view.route(address);
        List<ConnectorCandidate> candidates = ConnectorCandidate.of(view.self(), route, routes, !anywhere);
        if (candidates.isEmpty()) {
            return null;
        }
        return choosers.get(route.distribution()).choose(candidates, router -> 0).routerId();
    }
}
