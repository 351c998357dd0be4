package io.vanrouter.daemon.mgmt;

/** The human answer of {@code vanrouter trace}. Pure; any thread. */
public final class TraceFormatter {
    private TraceFormatter() {
    }

    public static String format(TraceReport trace) {
        StringBuilder sb = new StringBuilder();
        sb.append("Trace of '").append(trace.address()).append("' from router ").append(trace.router())
                .append(" (").append(kind(trace.kind())).append(", distribution ").append(trace.distribution())
                .append(")\n");
        if (!trace.destinations().isEmpty()) {
            boolean groups = trace.destinations().stream().anyMatch(d -> d.group() != null);
            boolean load = trace.destinations().stream().anyMatch(d -> d.load() >= 0);
            TextTable table = groups
                    ? new TextTable("", "ROUTER", "GROUP", "CONSUMERS", "COST", "IN FLIGHT", "PATH")
                    : load ? new TextTable("", "ROUTER", "CONSUMERS", "COST", "OPEN", "PATH")
                            : new TextTable("", "ROUTER", "CONSUMERS", "COST", "PATH");
            for (TraceReport.Destination d : trace.destinations()) {
                String mark = d.selected() ? "->" : "";
                Object cost = d.reachable() ? d.cost() : "unreachable";
                String path = d.reachable() ? String.join(" > ", d.path()) : "-";
                if (groups) {
                    table.row(mark, d.router(), d.group() == null ? "-" : d.group(), d.consumers(), cost,
                            d.load() < 0 ? "-" : d.load(), path);
                } else if (load) {
                    table.row(mark, d.router(), d.consumers(), cost, d.load() < 0 ? "-" : d.load(), path);
                } else {
                    table.row(mark, d.router(), d.consumers(), cost, path);
                }
            }
            sb.append(table.render());
        }
        sb.append("Why: ").append(trace.reason()).append('\n');
        return sb.toString();
    }

    private static String kind(String kind) {
        return switch (kind) {
            case "address" -> "service address";
            case "topic" -> "MQTT topic";
            default -> "no consumers";
        };
    }
}
