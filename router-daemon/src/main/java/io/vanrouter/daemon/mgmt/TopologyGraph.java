package io.vanrouter.daemon.mgmt;

import java.util.List;

/**
 * {@code vanrouter status --graph dot|mermaid}: the topology of a {@link TopologyReport} as Graphviz DOT or a Mermaid
 * flowchart: routers as nodes (the asking router in bold, unreachable ones grey, with their addresses), links as
 * undirected edges labelled with their cost ({@code 1/3} when the two ends advertise different costs), dashed
 * unless up. Pure; any thread.
 */
public final class TopologyGraph {
    private TopologyGraph() {
    }

    public static String dot(TopologyReport report) {
        StringBuilder sb = new StringBuilder("graph ").append(quote(report.network())).append(" {\n");
        sb.append("  // network ").append(report.network()).append(" as router ").append(report.router())
                .append(" sees it, generation ").append(report.generation()).append('\n');
        sb.append("  node [shape=box, style=rounded];\n");
        for (TopologyReport.Router r : report.routers()) {
            sb.append("  ").append(quote(r.id())).append(" [label=").append(quote(label(r, "\n")));
            if (r.self()) {
                sb.append(", penwidth=2");
            }
            if (!r.reachable()) {
                sb.append(", color=grey, fontcolor=grey");
            }
            sb.append("];\n");
        }
        for (TopologyReport.Link l : report.links()) {
            sb.append("  ").append(quote(l.a())).append(" -- ").append(quote(l.b())).append(" [label=")
                    .append(quote(cost(l) + ("up".equals(l.state()) ? "" : " " + l.state())));
            if (!"up".equals(l.state())) {
                sb.append(", style=dashed, color=").append("down".equals(l.state()) ? "red" : "orange");
            }
            sb.append("];\n");
        }
        return sb.append("}\n").toString();
    }

    public static String mermaid(TopologyReport report) {
        StringBuilder sb = new StringBuilder("graph LR\n");
        sb.append("  %% network ").append(report.network()).append(" as router ").append(report.router())
                .append(" sees it, generation ").append(report.generation()).append('\n');
        List<TopologyReport.Router> routers = report.routers();
        for (int i = 0; i < routers.size(); i++) {
            TopologyReport.Router r = routers.get(i);
            sb.append("  r").append(i).append("[\"").append(mermaidText(label(r, "<br/>"))).append("\"]\n");
        }
        for (TopologyReport.Link l : report.links()) {
            String edge = "up".equals(l.state()) ? " ---|" : " -.-|";
            sb.append("  r").append(index(routers, l.a())).append(edge).append('"').append(cost(l))
                    .append("up".equals(l.state()) ? "" : " " + l.state()).append("\"| r")
                    .append(index(routers, l.b())).append('\n');
        }
        for (int i = 0; i < routers.size(); i++) {
            if (routers.get(i).self()) {
                sb.append("  style r").append(i).append(" stroke-width:3px\n");
            } else if (!routers.get(i).reachable()) {
                sb.append("  style r").append(i).append(" stroke-dasharray:4,color:#999\n");
            }
        }
        return sb.toString();
    }

    private static String label(TopologyReport.Router r, String newline) {
        String label = r.id() + (r.reachable() ? "" : " (unreachable)");
        return r.addresses().isEmpty() ? label : label + newline + String.join(", ", r.addresses());
    }

    /** {@code 1}, or {@code 1/3} when the ends advertise different costs, or the one side's cost. */
    static String cost(TopologyReport.Link l) {
        if (l.costAb() < 0 || l.costBa() < 0 || l.costAb() == l.costBa()) {
            return Long.toString(Math.max(l.costAb(), l.costBa()));
        }
        return l.costAb() + "/" + l.costBa();
    }

    private static int index(List<TopologyReport.Router> routers, String id) {
        for (int i = 0; i < routers.size(); i++) {
            if (routers.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static String mermaidText(String text) {
        return text.replace("\"", "#quot;");
    }
}
