package io.vanrouter.daemon.config;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.transport.adaptor.udp.UdpAdaptor;
import io.vanrouter.transport.adaptor.udp.UdpConnectorSettings;
import io.vanrouter.transport.adaptor.udp.UdpListenerSettings;
import io.vanrouter.transport.adaptor.udp.UdpSettings;
import java.util.ArrayList;
import java.util.List;

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
        List<UdpListenerSettings> listeners = new ArrayList<>();
        for (EndpointEntries.Entry e : EndpointEntries.listeners(udp, ENTRY_KEYS, UdpSection::addressProblem,
                problems)) {
            listeners.add(new UdpListenerSettings(e.address(), e.host(), e.port(), rules.forAddress(e.address())));
        }
        List<UdpConnectorSettings> connectors = new ArrayList<>();
        for (EndpointEntries.Entry e : EndpointEntries.connectors(udp, ENTRY_KEYS, UdpSection::addressProblem,
                problems)) {
            connectors.add(new UdpConnectorSettings(e.address(), e.host(), e.port()));
        }
        return new UdpSettings(listeners, connectors, idle == null ? UdpSettings.FLOW_IDLE_TIMEOUT_MILLIS_DEFAULT
                : idle);
    }

    /** The name goes on the wire with its namespace, so the namespaced name must be a valid address. */
    private static String addressProblem(String address) {
        return Address.problem(AddressKind.PLAIN, UdpAdaptor.streamAddress(address), null);
    }
}
