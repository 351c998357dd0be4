package io.vanrouter.transport.stream;

import io.vanrouter.core.address.AddressRoute;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A router with a connector for an address, and the path cost to it from this router (0 for this router). */
public record ConnectorCandidate(String routerId, long cost) {
    public ConnectorCandidate {
        Objects.requireNonNull(routerId, "routerId");
    }

    /**
     * The routers with a consumer of {@code route}'s address that {@code routes} reaches: this router ({@code self},
     * cost 0) when it has one, then every other, or only the attached ones (an interior router's edges) when
     * {@code attachedOnly}.
     */
    public static List<ConnectorCandidate> of(String self, AddressRoute route, RoutingTable routes,
            boolean attachedOnly) {
        List<ConnectorCandidate> candidates = new ArrayList<>(route.remoteConsumers().size() + 1);
        if (route.localConsumers() > 0) {
            candidates.add(new ConnectorCandidate(self, 0));
        }
        for (String router : route.remoteConsumers().keySet()) {
            Route path = attachedOnly ? routes.attached().get(router) : routes.routeOrNull(router);
            if (path != null) {
                candidates.add(new ConnectorCandidate(router, path.cost()));
            }
        }
        return candidates;
    }
}
