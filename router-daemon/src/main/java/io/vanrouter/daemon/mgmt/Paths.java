package io.vanrouter.daemon.mgmt;

import io.vanrouter.core.path.RoutingTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Router paths out of a published {@link RoutingTable}. Pure; any thread. */
final class Paths {
    private Paths() {
    }

    /**
     * The routers a message from the table's router to {@code destination} passes, both ends included, along the
     * shortest-path tree of this routing generation; {@code [self, nextHop, ..., destination]}. Only the next hop is
     * known when the table carries no topology (then {@code [self, nextHop, destination]}); empty when unreachable.
     */
    static List<String> path(RoutingTable table, String destination) {
        String self = table.self();
        if (destination.equals(self)) {
            return List.of(self);
        }
        Map<String, String> parents = table.trees().tree(self);
        List<String> reversed = new ArrayList<>();
        String at = destination;
        while (at != null && !at.equals(self) && reversed.size() <= parents.size()) {
            reversed.add(at);
            at = parents.get(at);
        }
        if (self.equals(at)) {
            reversed.add(self);
            Collections.reverse(reversed);
            return List.copyOf(reversed);
        }
        return table.route(destination)
                .map(r -> r.nextHop().equals(destination) ? List.of(self, destination)
                        : List.of(self, r.nextHop(), destination))
                .orElse(List.of());
    }
}
