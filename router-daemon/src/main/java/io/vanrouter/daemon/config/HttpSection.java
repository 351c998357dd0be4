package io.vanrouter.daemon.config;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.transport.adaptor.http.HttpAdaptor;
import io.vanrouter.transport.adaptor.http.HttpConnectorSettings;
import io.vanrouter.transport.adaptor.http.HttpListenerSettings;
import io.vanrouter.transport.adaptor.http.HttpProtocol;
import io.vanrouter.transport.adaptor.http.HttpSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code http:} section (docs/adaptors.md). A listener's distribution comes from the {@code addresses:} rules.
 * <pre>
 * http:
 *   listeners:  [{address: api, host: 0.0.0.0, port: 8080, protocol: http2}]
 *   connectors: [{address: api, host: 10.0.0.2, port: 50051, protocol: http2}]
 * </pre>
 */
final class HttpSection {
    static final List<String> KEYS = List.of("listeners", "connectors");
    static final List<String> ENTRY_KEYS = List.of("address", "host", "port", "protocol");
    static final int ENTRIES_MAX = 4_096;

    private HttpSection() {
    }

    static HttpSettings validate(Section top, AddressRules rules, Problems problems) {
        YamlNode node = top.value("http");
        Section http = node == null ? null : Section.of(node, "http", problems);
        if (http == null) {
            return HttpSettings.NONE;
        }
        http.rejectUnknown(KEYS);
        Map<String, String> ports = new HashMap<>();
        List<HttpListenerSettings> listeners = new ArrayList<>();
        for (Entry e : entries(http, "listeners", 0, problems)) {
            String identity = e.host.toLowerCase(Locale.ROOT) + ":" + e.port;
            String first = e.port == 0 ? null : ports.putIfAbsent(identity, e.path);
            if (first != null) {
                problems.add(e.path, e.section.node(), "duplicate listener " + identity + " (same as " + first + ")");
                continue;
            }
            listeners.add(new HttpListenerSettings(e.address, e.host, e.port, e.protocol,
                    rules.forAddress(e.address)));
        }
        Map<String, String> addresses = new HashMap<>();
        List<HttpConnectorSettings> connectors = new ArrayList<>();
        for (Entry e : entries(http, "connectors", 1, problems)) {
            String first = addresses.putIfAbsent(e.address, e.path);
            if (first != null) {
                problems.add(e.path, e.section.node(), "a second connector for address '" + e.address
                        + "' on this router (same as " + first + "); one connector per address per router");
                continue;
            }
            connectors.add(new HttpConnectorSettings(e.address, e.host, e.port, e.protocol));
        }
        return new HttpSettings(listeners, connectors);
    }

    private record Entry(String path, Section section, String address, String host, int port, HttpProtocol protocol) {
    }

    private static List<Entry> entries(Section http, String key, int portMin, Problems problems) {
        List<YamlNode> items = http.list(key);
        if (items == null) {
            return List.of();
        }
        if (items.size() > ENTRIES_MAX) {
            http.problem(key, "at most " + ENTRIES_MAX + " entries, got " + items.size());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "http." + key + "[" + i + "]";
            Section section = Section.of(items.get(i), path, problems);
            if (section == null) {
                continue;
            }
            section.rejectUnknown(ENTRY_KEYS);
            String address = section.string("address", true);
            String host = ConfigValidator.host(section, "host", true);
            Long port = section.integer("port", portMin, 65_535, true);
            HttpProtocol protocol = protocol(section);
            if (address != null) {
                // the name goes on the wire with its namespace, so the namespaced name must be a valid address
                String problem = Address.problem(AddressKind.PLAIN, HttpAdaptor.streamAddress(address), null);
                if (address.isEmpty()) {
                    problem = "empty address";
                }
                if (problem != null) {
                    section.problem("address", problem);
                    address = null;
                }
            }
            if (address != null && host != null && port != null && protocol != null) {
                entries.add(new Entry(path, section, address, host, port.intValue(), protocol));
            }
        }
        return entries;
    }

    /** {@code protocol: http1|http2}, required: a wrong guess fails every request, so there is no default. */
    private static HttpProtocol protocol(Section section) {
        String value = section.string("protocol", true);
        if (value == null) {
            return null;
        }
        for (HttpProtocol protocol : HttpProtocol.values()) {
            if (protocol.configName().equals(value)) {
                return protocol;
            }
        }
        section.problem("protocol", "must be http1 or http2, got '" + value + "'");
        return null;
    }
}
