package io.vanrouter.daemon.mgmt;

import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds a {@link TopologyReport} from published immutable snapshots: the routing table (whose topology is every
 * router's advertised peers and costs) and a status report (link states and addresses). Pure; any thread.
 */
public final class TopologyBuilder {
    private TopologyBuilder() {
    }

    public static TopologyReport build(RoutingTable table, long generation, StatusReport status) {
        String self = table.self();
        Map<String, Map<String, Integer>> topology = table.trees().topology();
        SortedSet<String> ids = new TreeSet<>(topology.keySet());
        ids.add(self);
        status.nodes().forEach(n -> ids.add(n.id()));
        SortedMap<String, SortedSet<String>> addresses = addressesByRouter(status);
        List<TopologyReport.Router> routers = new ArrayList<>();
        for (String id : ids) {
            boolean isSelf = id.equals(self);
            Route route = table.routes().get(id);
            boolean reachable = isSelf || route != null;
            routers.add(new TopologyReport.Router(id, isSelf, reachable, isSelf ? 0 : route == null ? -1 : route.cost(),
                    reachable ? Paths.path(table, id) : List.of(),
                    List.copyOf(addresses.getOrDefault(id, new TreeSet<>()))));
        }
        Set<String> reachable = new TreeSet<>(table.routes().keySet());
        reachable.add(self);
        return new TopologyReport(self, status.network(), generation, routers,
                links(topology, reachable, self, status));
    }

    private static List<TopologyReport.Link> links(Map<String, Map<String, Integer>> topology, Set<String> reachable,
            String self, StatusReport status) {
        Map<String, long[]> costs = new TreeMap<>(); // "a\0b" (a < b) -> {cost a->b, cost b->a}
        topology.forEach((from, peers) -> peers.forEach((to, cost) -> {
            boolean forward = from.compareTo(to) < 0;
            long[] pair = costs.computeIfAbsent(key(from, to), k -> new long[] {-1, -1});
            pair[forward ? 0 : 1] = cost;
        }));
        Map<String, TopologyReport.Link> links = new LinkedHashMap<>();
        costs.forEach((key, pair) -> {
            String[] ends = key.split("\0");
            String state = pair[0] < 0 || pair[1] < 0 ? "one-way" : "up";
            if (!reachable.contains(ends[0]) || !reachable.contains(ends[1])) {
                state = "down";
            }
            links.put(key, new TopologyReport.Link(ends[0], ends[1], pair[0], pair[1], state));
        });
        // Links of the answering router that the link-state database does not list (yet): configured peers
        // connecting or in backoff, and links still in their handshake.
        for (StatusReport.Link link : status.links()) {
            if (link.peer() == null || link.peer().equals(self) || "up".equals(link.state())) {
                continue;
            }
            String key = key(self, link.peer());
            boolean forward = self.compareTo(link.peer()) < 0;
            links.putIfAbsent(key, new TopologyReport.Link(forward ? self : link.peer(), forward ? link.peer() : self,
                    forward ? link.cost() : -1, forward ? -1 : link.cost(), "down"));
        }
        return new ArrayList<>(links.values());
    }

    private static String key(String x, String y) {
        return x.compareTo(y) < 0 ? x + "\0" + y : y + "\0" + x;
    }

    /** Router id to the addresses it has consumers of, from the status report's address rows. */
    private static SortedMap<String, SortedSet<String>> addressesByRouter(StatusReport status) {
        SortedMap<String, SortedSet<String>> byRouter = new TreeMap<>();
        for (StatusReport.Address address : status.addresses()) {
            if (address.localConsumers() > 0) {
                byRouter.computeIfAbsent(status.router(), k -> new TreeSet<>()).add(address.address());
            }
            if (address.routers() != null) {
                address.routers().forEach(r -> byRouter.computeIfAbsent(r, k -> new TreeSet<>())
                        .add(address.address()));
            }
        }
        return byRouter;
    }
}
