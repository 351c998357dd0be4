package io.vanrouter.core.status;

import java.util.List;

/** Everything {@code status} shows about one router's core. */
public record RouterView(
        String routerId,
        long instance,
        long linkStateSequence,
        List<NodeView> nodes,
        List<NeighborView> neighbors) {
    public RouterView {
        nodes = List.copyOf(nodes);
        neighbors = List.copyOf(neighbors);
    }
}
