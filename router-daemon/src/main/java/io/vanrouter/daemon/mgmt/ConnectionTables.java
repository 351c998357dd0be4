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
        List<StatusReport.HttpCounters> http = report.http();
        if (!http.isEmpty()) {
            TextTable table = new TextTable("ADDRESS", "SITE", "REQUESTS", "2XX", "3XX", "4XX", "5XX", "FAILED",
                    "P50", "P90", "P99", "SERVED", "BAD");
            for (StatusReport.HttpCounters h : http) {
                table.row(h.address(), h.site(), h.requests(), h.status2xx(), h.status3xx(), h.status4xx(),
                        h.status5xx(), h.failed(), micros(h.p50Micros()), micros(h.p90Micros()),
                        micros(h.p99Micros()), h.served(), h.badRequests());
            }
            sb.append('\n').append("HTTP requests per address and site\n").append(table.render());
        }
        return sb.toString();
    }

    /** A latency for the table: {@code 850us}, {@code 12.3ms}, {@code 1.52s}; {@code -} when none. */
    static String micros(long micros) {
        if (micros <= 0) {
            return "-";
        }
        if (micros < 1_000) {
            return micros + "us";
        }
        return micros < 1_000_000 ? String.format(java.util.Locale.ROOT, "%.1fms", micros / 1e3)
                : String.format(java.util.Locale.ROOT, "%.2fs", micros / 1e6);
    }
}
