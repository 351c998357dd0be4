package io.vanrouter.daemon.mgmt;

import java.util.List;

/**
 * {@code vanrouter status --network}: every router of the network and every link any router advertises, from one
 * router's link-state database ({@link TopologyReport}). Pure; any thread.
 */
public final class NetworkTables {
    private NetworkTables() {
    }

    public static String format(TopologyReport report) {
        StringBuilder sb = new StringBuilder();
        sb.append("Network ").append(report.network()).append(" as router ").append(report.router())
                .append(" sees it (link-state database, generation ").append(report.generation()).append(")\n\n");
        sb.append("Routers\n");
        TextTable routers = new TextTable("ROUTER", "COST", "PATH", "ADDRESSES");
        for (TopologyReport.Router r : report.routers()) {
            routers.row(r.id() + (r.self() ? " (self)" : ""), r.reachable() ? r.cost() : "unreachable",
                    r.reachable() ? String.join(" > ", r.path()) : "-", join(r.addresses()));
        }
        sb.append(routers.render()).append("\nLinks\n");
        if (report.links().isEmpty()) {
            return sb.append("  none\n").toString();
        }
        TextTable links = new TextTable("ROUTER", "PEER", "COST", "PEER'S COST", "STATE");
        for (TopologyReport.Link l : report.links()) {
            links.row(l.a(), l.b(), cost(l.costAb()), cost(l.costBa()), l.state());
        }
        return sb.append(links.render()).toString();
    }

    static String cost(long cost) {
        return cost < 0 ? "-" : Long.toString(cost);
    }

    private static String join(List<String> values) {
        return values == null || values.isEmpty() ? "-" : String.join(",", values);
    }
}
