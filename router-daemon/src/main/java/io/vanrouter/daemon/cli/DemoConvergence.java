package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.mgmt.StatusReport;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When the demo network has converged: every configured link is up at both ends and every router's table has its
 * least-cost routes. Reachability alone is not enough: in the demo triangle site-a reaches site-c over their direct
 * link (cost 5) before the cheaper path through site-b (cost 2) exists, and the demo would show the wrong path.
 */
final class DemoConvergence {
    private DemoConvergence() {
    }

    /**
     * @param reports one status report per router
     * @param links   how many links the routers' configurations ask for ({@code peers[]} entries in all)
     */
    static boolean converged(List<StatusReport> reports, int links) {
        Set<String> upEnds = new HashSet<>();
        Map<String, Map<String, Long>> costs = new HashMap<>();
        for (StatusReport report : reports) {
            Map<String, Long> cost = new HashMap<>();
            cost.put(report.router(), 0L);
            report.nodes().stream().filter(StatusReport.Node::reachable).forEach(n -> cost.put(n.id(), n.cost()));
            if (cost.size() < reports.size()) {
                return false; // someone is not reachable yet
            }
            costs.put(report.router(), cost);
            report.links().stream().filter(l -> "up".equals(l.state()) && l.peer() != null)
                    .forEach(l -> upEnds.add(report.router() + ">" + l.peer()));
        }
        if (upEnds.size() < 2 * links) {
            return false; // a link is not up at both ends yet
        }
        // Least cost everywhere: no router could reach any other more cheaply through one of its neighbours.
        for (StatusReport report : reports) {
            Map<String, Long> mine = costs.get(report.router());
            for (StatusReport.Link link : report.links()) {
                Map<String, Long> theirs = costs.get(link.peer());
                if (!"up".equals(link.state()) || theirs == null) {
                    continue;
                }
                for (Map.Entry<String, Long> destination : mine.entrySet()) {
                    Long via = theirs.get(destination.getKey());
                    if (via != null && destination.getValue() > link.cost() + via) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
