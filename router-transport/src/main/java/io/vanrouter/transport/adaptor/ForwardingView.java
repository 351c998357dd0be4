package io.vanrouter.transport.adaptor;

import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.path.RoutingTable;
import java.util.Objects;

/**
 * Everything a forwarding decision reads, as one immutable value that the core publishes per change: the routing
 * table (next hops, costs, multicast trees) and the address view (which routers consume which addresses and topic
 * filters). A decision reads it once, so its next hop and its receivers come from the same moment; {@code generation}
 * grows by one with every change of either part.
 */
public record ForwardingView(long generation, RoutingTable routes, AddressSnapshotView addresses) {

    public ForwardingView {
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(addresses, "addresses");
    }

    /** No routes and no addresses: before the core has computed anything. */
    public static ForwardingView empty(String routerId, AddressRules rules) {
        return new ForwardingView(0, RoutingTable.empty(routerId), AddressSnapshotView.empty(routerId, rules));
    }

    public ForwardingView withRoutes(RoutingTable newRoutes) {
        return new ForwardingView(generation + 1, newRoutes, addresses);
    }

    public ForwardingView withAddresses(AddressSnapshotView newAddresses) {
        return new ForwardingView(generation + 1, routes, newAddresses);
    }
}
