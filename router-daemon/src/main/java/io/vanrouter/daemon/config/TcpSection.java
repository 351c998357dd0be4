package io.vanrouter.daemon.config;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.http.HttpAdaptor;
import io.vanrouter.transport.adaptor.udp.UdpAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code tcp:} section: listeners (accept local connections for an address) and connectors (open connections
 * for an address to a real server), each optionally over TLS ({@link TcpTlsSection}). A listener's distribution comes
 * from the {@code addresses:} rules.
 */
final class TcpSection {
    static final List<String> KEYS = List.of("listeners", "connectors");
    static final List<String> ENTRY_KEYS = List.of("address", "host", "port", "tls");
    static final int ENTRIES_MAX = 4_096;

    record Tcp(List<TcpListenerSettings> listeners, List<TcpConnectorSettings> connectors) {
        static final Tcp NONE = new Tcp(List.of(), List.of());
    }

    private TcpSection() {
    }

    /** @param filesCheckedAt when not null, the TLS files are read at this instant (check-config, run) */
    static Tcp validate(Section top, AddressRules rules, Path source, Instant filesCheckedAt, Problems problems) {
        YamlNode node = top.value("tcp");
        Section tcp = node == null ? null : Section.of(node, "tcp", problems);
        if (tcp == null) {
            return Tcp.NONE;
        }
        tcp.rejectUnknown(KEYS);
        Map<String, String> ports = new HashMap<>();
        List<TcpListenerSettings> listeners = new ArrayList<>();
        for (Entry e : entries(tcp, "listeners", 0, problems)) {
            String identity = e.host.toLowerCase(Locale.ROOT) + ":" + e.port;
            String first = e.port == 0 ? null : ports.putIfAbsent(identity, e.path);
            if (first != null) {
                problems.add(e.path, e.section.node(), "duplicate listener " + identity + " (same as " + first + ")");
                continue;
            }
            int before = problems.count();
            TcpListenerSettings.Tls tls = TcpTlsSection.listener(e.section, source, filesCheckedAt, problems);
            if (problems.count() == before) {
                listeners.add(new TcpListenerSettings(e.address, e.host, e.port, rules.forAddress(e.address), tls));
            }
        }
        Map<String, String> addresses = new HashMap<>();
        List<TcpConnectorSettings> connectors = new ArrayList<>();
        for (Entry e : entries(tcp, "connectors", 1, problems)) {
            String first = addresses.putIfAbsent(e.address, e.path);
            if (first != null) {
                problems.add(e.path, e.section.node(), "a second connector for address '" + e.address
                        + "' on this router (same as " + first + "); one connector per address per router");
                continue;
            }
            int before = problems.count();
            TcpConnectorSettings.Tls tls = TcpTlsSection.connector(e.section, source, filesCheckedAt, problems);
            if (problems.count() == before) {
                connectors.add(new TcpConnectorSettings(e.address, e.host, e.port, tls));
            }
        }
        return new Tcp(listeners, connectors);
    }

    private record Entry(String path, Section section, String address, String host, int port) {
    }

    private static List<Entry> entries(Section tcp, String key, int portMin, Problems problems) {
        List<YamlNode> items = tcp.list(key);
        if (items == null) {
            return List.of();
        }
        if (items.size() > ENTRIES_MAX) {
            tcp.problem(key, "at most " + ENTRIES_MAX + " entries, got " + items.size());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "tcp." + key + "[" + i + "]";
            Section section = Section.of(items.get(i), path, problems);
            if (section == null) {
                continue;
            }
            section.rejectUnknown(ENTRY_KEYS);
            String address = section.string("address", true);
            String host = section.string("host", true);
            Long port = section.integer("port", portMin, 65_535, true);
            if (address != null) {
                String problem = Address.problem(AddressKind.PLAIN, address, null);
                if (problem == null && address.startsWith(UdpAdaptor.NAMESPACE)) {
                    problem = "addresses starting with '" + UdpAdaptor.NAMESPACE + "' are the udp adaptor's";
                }
                if (problem == null && address.startsWith(HttpAdaptor.NAMESPACE)) {
                    problem = "addresses starting with '" + HttpAdaptor.NAMESPACE + "' are the http adaptor's";
                }
                if (problem != null) {
                    section.problem("address", problem);
                    address = null;
                }
            }
            if (host != null && host.isBlank()) {
                section.problem("host", "must not be empty");
                host = null;
            }
            if (address != null && host != null && port != null) {
                entries.add(new Entry(path, section, address, host, port.intValue()));
            }
        }
        return entries;
    }
}
