package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.stream.ConnectorCandidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A fixed map of address to routers with a connector, filtered by the current routing table: a router without a
 * route is left out, and the cost is the path cost. Stands in for the address table until it is wired.
 *
 * <p>Immutable; any thread.
 */
public final class StaticConnectorDirectory implements ConnectorDirectory {
    private final String self;
    private final Map<String, List<String>> routersByAddress;
    private final Supplier<RoutingTable> routes;

    public StaticConnectorDirectory(String self, Map<String, List<String>> routersByAddress,
            Supplier<RoutingTable> routes) {
        this.self = self;
        this.routersByAddress = Map.copyOf(routersByAddress);
        this.routes = routes;
    }

    @Override
    public List<ConnectorCandidate> candidates(String address) {
        List<String> routers = routersByAddress.getOrDefault(address, List.of());
        RoutingTable table = routes.get();
        List<ConnectorCandidate> candidates = new ArrayList<>(routers.size());
        for (String router : routers) {
            if (router.equals(self)) {
                candidates.add(new ConnectorCandidate(router, 0));
            } else {
                Optional<Route> route = table.route(router);
                route.ifPresent(r -> candidates.add(new ConnectorCandidate(router, r.cost())));
            }
        }
        return candidates;
    }
}
