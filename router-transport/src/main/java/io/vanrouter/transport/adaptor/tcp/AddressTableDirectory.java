package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.stream.ConnectorCandidate;
import java.util.List;

/**
 * The connectors of an address as the network advertises them: the core's address view (which routers have a
 * consumer of the plain address) joined with the routing table (only reachable routers, with their path cost). This
 * router counts at cost 0 when it has a connector of its own. On an edge router, which learns nothing of the network,
 * the active uplink is a candidate for every address: the uplink chooses the connector.
 *
 * <p>Any thread: reads the core's published snapshots, never blocks.
 */
public final class AddressTableDirectory implements ConnectorDirectory {
    private final RoutingView core;

    public AddressTableDirectory(RoutingView core) {
        this.core = core;
    }

    @Override
    public List<ConnectorCandidate> candidates(String address) {
        AddressSnapshotView view = core.addressView();
        RoutingTable routes = core.routingTable();
        List<ConnectorCandidate> candidates = ConnectorCandidate.of(view.self(), view.route(address), routes, false);
        Route uplink = routes.defaultRoute();
        if (uplink != null) { // an edge router: its uplink chooses among the network's connectors
            candidates.add(new ConnectorCandidate(uplink.destination(), uplink.cost()));
        }
        return candidates;
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        return core.onForwardingChange(onChange);
    }
}
