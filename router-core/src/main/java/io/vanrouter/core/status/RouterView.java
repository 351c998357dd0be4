package io.vanrouter.core.status;

import java.util.List;

/**
 * Everything {@code status} shows about one router's core. {@code neighboursAgeMillis}: since its own link state last
 * changed its neighbours or their costs, -1 if it never had one.
 */
public record RouterView(
        String routerId,
        long instance,
        long linkStateSequence,
        List<NodeView> nodes,
        List<NeighborView> neighbors,
        long neighboursAgeMillis) {
    public RouterView {
        nodes = List.copyOf(nodes);
        neighbors = List.copyOf(neighbors);
    }
}
