package io.vanrouter.daemon.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The {@code listeners:} and {@code connectors:} lists that the tcp:, udp: and http: sections share: entries of
 * {@code {address, host, port, ...}}, at most {@link #ENTRIES_MAX} per list, listeners on distinct host:port pairs and
 * at most one connector per address on a router. An entry with a problem is reported and left out, so the rest of the
 * configuration is still checked.
 */
final class EndpointEntries {
    static final int ENTRIES_MAX = 4_096;

    /** One entry whose address, host and port passed; {@code section} is the entry, for its adaptor's own keys. */
    record Entry(String path, Section section, String address, String host, int port) {
    }

    private EndpointEntries() {
    }

    /**
     * The entries of {@code parent.key} ({@code listeners} with ports from 0, {@code connectors} from 1).
     *
     * @param entryKeys      the keys an entry may have
     * @param addressProblem what is wrong with an address (e.g. a name another adaptor's namespace owns), or null
     */
    static List<Entry> read(Section parent, String key, int portMin, List<String> entryKeys,
            UnaryOperator<String> addressProblem, Problems problems) {
        List<YamlNode> items = parent.list(key);
        if (items == null) {
            return List.of();
        }
        if (items.size() > ENTRIES_MAX) {
            parent.problem(key, "at most " + ENTRIES_MAX + " entries, got " + items.size());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = parent.path() + "." + key + "[" + i + "]";
            Section section = Section.of(items.get(i), path, problems);
            if (section == null) {
                continue;
            }
            section.rejectUnknown(entryKeys);
            String address = section.string("address", true);
            String host = ConfigValidator.host(section, "host", true);
            Long port = section.integer("port", portMin, 65_535, true);
            if (address != null) {
                String problem = address.isEmpty() ? "empty address" : addressProblem.apply(address);
                if (problem != null) {
                    section.problem("address", problem);
                    address = null;
                }
            }
            if (address != null && host != null && port != null) {
                entries.add(new Entry(path, section, address, host, port.intValue()));
            }
        }
        return entries;
    }

    /** The listeners of {@code parent}, each on its own host:port (port 0, any free port, may repeat). */
    static List<Entry> listeners(Section parent, List<String> entryKeys, UnaryOperator<String> addressProblem,
            Problems problems) {
        Map<String, String> ports = new HashMap<>();
        List<Entry> distinct = new ArrayList<>();
        for (Entry e : read(parent, "listeners", 0, entryKeys, addressProblem, problems)) {
            String identity = e.host().toLowerCase(Locale.ROOT) + ":" + e.port();
            String first = e.port() == 0 ? null : ports.putIfAbsent(identity, e.path());
            if (first != null) {
                problems.add(e.path(), e.section().node(), "duplicate listener " + identity + " (same as " + first
                        + ")");
                continue;
            }
            distinct.add(e);
        }
        return distinct;
    }

    /** The connectors of {@code parent}, at most one per address: a second would be a second site of one router. */
    static List<Entry> connectors(Section parent, List<String> entryKeys, UnaryOperator<String> addressProblem,
            Problems problems) {
        Map<String, String> addresses = new HashMap<>();
        List<Entry> unique = new ArrayList<>();
        for (Entry e : read(parent, "connectors", 1, entryKeys, addressProblem, problems)) {
            String first = addresses.putIfAbsent(e.address(), e.path());
            if (first != null) {
                problems.add(e.path(), e.section().node(), "a second connector for address '" + e.address()
                        + "' on this router (same as " + first + "); one connector per address per router");
                continue;
            }
            unique.add(e);
        }
        return unique;
    }
}
