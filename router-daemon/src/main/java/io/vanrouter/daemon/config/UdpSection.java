package io.vanrouter.daemon.config;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.transport.adaptor.udp.UdpAdaptor;
import io.vanrouter.transport.adaptor.udp.UdpConnectorSettings;
import io.vanrouter.transport.adaptor.udp.UdpListenerSettings;
import io.vanrouter.transport.adaptor.udp.UdpSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code udp:} section (docs/adaptors.md). A listener's distribution comes from the {@code addresses:} rules.
 * <pre>
 * udp:
 *   flowIdleTimeoutMillis: 30000       # optional
 *   listeners:  [{address: dns, host: 0.0.0.0, port: 53}]
 *   connectors: [{address: dns, host: 10.0.0.2, port: 53}]
 * </pre>
 */
final class UdpSection {
    static final List<String> KEYS = List.of("listeners", "connectors", "flowIdleTimeoutMillis");
    static final List<String> ENTRY_KEYS = List.of("address", "host", "port");
    static final int ENTRIES_MAX = 4_096;

    private UdpSection() {
    }

    static UdpSettings validate(Section top, AddressRules rules, Problems problems) {
        YamlNode node = top.value("udp");
        Section udp = node == null ? null : Section.of(node, "udp", problems);
        if (udp == null) {
            return UdpSettings.NONE;
        }
        udp.rejectUnknown(KEYS);
        Long idle = udp.integer("flowIdleTimeoutMillis", UdpSettings.FLOW_IDLE_TIMEOUT_MILLIS_MIN,
                UdpSettings.FLOW_IDLE_TIMEOUT_MILLIS_MAX, false);
        Map<String, String> ports = new HashMap<>();
        List<UdpListenerSettings> listeners = new ArrayList<>();
        for (Entry e : entries(udp, "listeners", 0, problems)) {
            String identity = e.host.toLowerCase(Locale.ROOT) + ":" + e.port;
            String first = e.port == 0 ? null : ports.putIfAbsent(identity, e.path);
            if (first != null) {
                problems.add(e.path, e.section.node(), "duplicate listener " + identity + " (same as " + first + ")");
                continue;
            }
            listeners.add(new UdpListenerSettings(e.address, e.host, e.port, rules.forAddress(e.address)));
        }
        Map<String, String> addresses = new HashMap<>();
        List<UdpConnectorSettings> connectors = new ArrayList<>();
        for (Entry e : entries(udp, "connectors", 1, problems)) {
            String first = addresses.putIfAbsent(e.address, e.path);
            if (first != null) {
                problems.add(e.path, e.section.node(), "a second connector for address '" + e.address
                        + "' on this router (same as " + first + "); one connector per address per router");
                continue;
            }
            connectors.add(new UdpConnectorSettings(e.address, e.host, e.port));
        }
        return new UdpSettings(listeners, connectors, idle == null ? UdpSettings.FLOW_IDLE_TIMEOUT_MILLIS_DEFAULT
                : idle);
    }

    private record Entry(String path, Section section, String address, String host, int port) {
    }

    private static List<Entry> entries(Section udp, String key, int portMin, Problems problems) {
        List<YamlNode> items = udp.list(key);
        if (items == null) {
            return List.of();
        }
        if (items.size() > ENTRIES_MAX) {
            udp.problem(key, "at most " + ENTRIES_MAX + " entries, got " + items.size());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "udp." + key + "[" + i + "]";
            Section section = Section.of(items.get(i), path, problems);
            if (section == null) {
                continue;
            }
            section.rejectUnknown(ENTRY_KEYS);
            String address = section.string("address", true);
            String host = ConfigValidator.host(section, "host", true);
            Long port = section.integer("port", portMin, 65_535, true);
            if (address != null) {
                // the name goes on the wire with its namespace, so the namespaced name must be a valid address
                String problem = Address.problem(AddressKind.PLAIN, UdpAdaptor.streamAddress(address), null);
                if (address.isEmpty()) {
                    problem = "empty address";
                }
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
}
