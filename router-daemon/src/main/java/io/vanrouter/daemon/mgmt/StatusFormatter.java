package io.vanrouter.daemon.mgmt;

import java.util.List;
import java.util.Locale;

/**
 * Turns a {@link StatusReport} into the human tables of {@code vanrouter status}, like {@code skstat -n} and
 * {@code -c}. Pure functions; any thread.
 */
public final class StatusFormatter {

    /** One table of the status output; the names are the {@code status} view arguments. */
    public enum View {
        NODES("Routers"),
        LINKS("Links"),
        ADDRESSES("Addresses"),
        CONNECTIONS("Connections"),
        /** MQTT subscriptions network-wide (plain and shared) and per-topic message counters. */
        MQTT("MQTT", "addresses");

        private final String title;
        private final String jsonField;

        View(String title) {
            this(title, null);
        }

        View(String title, String jsonField) {
            this.title = title;
            this.jsonField = jsonField;
        }

        public String title() {
            return title;
        }

        /** The field of the status JSON this view shows ({@code --json VIEW}). */
        public String jsonField() {
            return jsonField != null ? jsonField : toString();
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private StatusFormatter() {
    }

    /** The header line and every table, separated by blank lines. */
    public static String format(StatusReport report) {
        StringBuilder sb = new StringBuilder(header(report)).append('\n');
        for (View view : View.values()) {
            if (view == View.MQTT) {
                continue; // its rows are in the addresses table already
            }
            sb.append('\n').append(format(report, view));
        }
        return sb.toString();
    }

    /** Only the table of {@code view}, under its title. */
    public static String format(StatusReport report, View view) {
        String body = switch (view) {
            case NODES -> nodes(report);
            case LINKS -> links(report.links());
            case ADDRESSES -> addresses(report.addresses()) + topics(report.topics());
            case CONNECTIONS -> ConnectionTables.format(report);
            case MQTT -> mqtt(report);
        };
        return view.title() + '\n' + body;
    }

    /**
     * {@code Router site-a  network demo  mode interior  instance 1712  version 0.1.0  up 1m 3s}, then how links are
     * protected; plain links get a line of their own, as a warning.
     */
    public static String header(StatusReport report) {
        String header = "Router " + report.router() + "  network " + report.network() + "  mode " + report.mode()
                + "  instance " + report.instance() + "  version " + report.version()
                + "  up " + duration(report.uptimeMillis())
                + (report.configGeneration() > 1 ? "  config generation " + report.configGeneration() : "");
        String security = report.linkSecurity();
        if (security == null) {
            return header;
        }
        return security.startsWith("plain") ? header + "\nWARNING: links are " + security
                + ": not authenticated, not encrypted (docs/security.md)" : header + "  links " + security;
    }

    private static String nodes(StatusReport report) {
        List<StatusReport.Node> nodes = list(report.nodes());
        if (nodes.isEmpty()) {
            return "  none\n";
        }
        TextTable table = new TextTable("ROUTER", "NEXT HOP", "COST", "HOPS", "LS SEQ", "LS AGE");
        for (StatusReport.Node node : nodes) {
            boolean self = node.id().equals(report.router());
            if (self) {
                table.row(node.id(), "(self)", 0, 0, node.linkStateSequence(), age(node.linkStateAgeMillis()));
            } else if (!node.reachable()) {
                table.row(node.id(), "-", "unreachable", "-", node.linkStateSequence(),
                        age(node.linkStateAgeMillis()));
            } else {
                table.row(node.id(), node.nextHop(), node.cost(), node.hops(), node.linkStateSequence(),
                        age(node.linkStateAgeMillis()));
            }
        }
        return table.render();
    }

    private static String links(List<StatusReport.Link> given) {
        List<StatusReport.Link> links = list(given);
        if (links.isEmpty()) {
            return "  none\n";
        }
        TextTable table = new TextTable("ID", "PEER", "STATE", "DIR", "REMOTE", "COST", "DATA", "AGE",
                "LAST HELLO", "LAST ERROR");
        for (StatusReport.Link link : links) {
            table.row(link.id(), link.peer(), link.state(), link.direction(), link.remote(), link.cost(),
                    link.dataConnections(), age(link.ageMillis()), age(link.lastHelloAgeMillis()), link.lastError());
        }
        return table.render();
    }

    private static String addresses(List<StatusReport.Address> given) {
        List<StatusReport.Address> addresses = list(given);
        if (addresses.isEmpty()) {
            return "  none\n";
        }
        TextTable table = new TextTable("ADDRESS", "DISTRIBUTION", "LOCAL", "ROUTERS");
        for (StatusReport.Address address : addresses) {
            List<String> routers = list(address.routers());
            table.row(address.address(), address.distribution(), address.localConsumers(),
                    routers.isEmpty() ? "-" : String.join(",", routers));
        }
        return table.render();
    }

    /** Topic-filter subscriptions (plain and {@code $share/...}) with where they are, then topic counters. */
    private static String mqtt(StatusReport report) {
        List<StatusReport.Address> filters = list(report.addresses()).stream()
                .filter(a -> a.address().startsWith("filter ") || a.address().startsWith("$share/")).toList();
        String body = filters.isEmpty() ? "  no subscriptions\n" : addresses(filters);
        String counters = topics(report.topics());
        return body + (counters.isEmpty() ? "\n  no messages yet\n" : counters);
    }

    private static String topics(List<StatusReport.Topic> given) {
        List<StatusReport.Topic> topics = list(given);
        if (topics.isEmpty()) {
            return "";
        }
        TextTable table = new TextTable("TOPIC", "IN", "OUT", "DROPPED");
        for (StatusReport.Topic topic : topics) {
            table.row(topic.topic(), topic.messagesIn(), topic.messagesOut(), topic.dropped());
        }
        return "\n" + table.render();
    }

    /** An age in the tables: a duration, or {@code -} when negative (never happened, unknown). */
    static String age(long millis) {
        return millis < 0 ? "-" : duration(millis);
    }

    /**
     * A humanised duration with at most two units: {@code 250ms}, {@code 3s}, {@code 1m 3s}, {@code 2h 5m},
     * {@code 3d 4h}. Negative is shown as {@code -}.
     */
    public static String duration(long millis) {
        if (millis < 0) {
            return "-";
        }
        if (millis < 1_000) {
            return millis + "ms";
        }
        long seconds = millis / 1_000;
        long[] amounts = {seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60};
        String[] units = {"d", "h", "m", "s"};
        int first = 0;
        while (amounts[first] == 0) {
            first++;
        }
        String text = amounts[first] + units[first];
        if (first < 3 && amounts[first + 1] != 0) {
            text += " " + amounts[first + 1] + units[first + 1];
        }
        return text;
    }

    private static <T> List<T> list(List<T> maybe) {
        return maybe == null ? List.of() : maybe;
    }
}
