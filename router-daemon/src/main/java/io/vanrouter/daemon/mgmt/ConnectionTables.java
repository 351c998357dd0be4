package io.vanrouter.daemon.mgmt;

import java.util.List;

/** The {@code connections} view: live TCP streams, then per-address TCP counters. Pure; any thread. */
final class ConnectionTables {
    private ConnectionTables() {
    }

    static String format(StatusReport report) {
        StringBuilder sb = new StringBuilder();
        List<StatusReport.Connection> connections = report.connections();
        if (connections.isEmpty()) {
            sb.append("  none\n");
        } else {
            TextTable table = new TextTable("ID", "ROLE", "ADDRESS", "FROM", "TO", "STATE", "BYTES OUT", "BYTES BACK",
                    "HELD", "AGE", "ENDS");
            for (StatusReport.Connection c : connections) {
                table.row(c.id(), c.role(), c.address(), c.origin(), c.destination(), c.state(), c.bytesToConnector(),
                        c.bytesToListener(), c.bufferedBytes(), StatusFormatter.age(c.ageMillis()), c.ends());
            }
            sb.append(table.render());
        }
        List<StatusReport.TcpCounters> counters = report.tcp();
        if (!counters.isEmpty()) {
            TextTable table = new TextTable("ADDRESS", "ACCEPTED", "OPENED", "REFUSED", "FAILED", "SERVED",
                    "SERVE FAILED", "TLS REFUSED", "TLS FAILED");
            for (StatusReport.TcpCounters t : counters) {
                table.row(t.address(), t.accepted(), t.opened(), t.refused(), t.failed(), t.served(), t.serveFailed(),
                        t.tlsRefused(), t.tlsFailed());
            }
            sb.append('\n').append("TCP per address\n").append(table.render());
        }
        return sb.toString();
    }
}
