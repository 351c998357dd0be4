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
import java.util.List;

/**
 * The {@code tcp:} section: listeners (accept local connections for an address) and connectors (open connections
 * for an address to a real server), each optionally over TLS ({@link TcpTlsSection}). A listener's distribution comes
 * from the {@code addresses:} rules.
 */
final class TcpSection {
    static final List<String> KEYS = List.of("listeners", "connectors");
    static final List<String> ENTRY_KEYS = List.of("address", "host", "port", "tls");

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
        List<TcpListenerSettings> listeners = new ArrayList<>();
        for (EndpointEntries.Entry e : EndpointEntries.listeners(tcp, ENTRY_KEYS, TcpSection::addressProblem,
                problems)) {
            int before = problems.count();
            TcpListenerSettings.Tls tls = TcpTlsSection.listener(e.section(), source, filesCheckedAt, problems);
            if (problems.count() == before) {
                listeners.add(new TcpListenerSettings(e.address(), e.host(), e.port(), rules.forAddress(e.address()),
                        tls));
            }
        }
        List<TcpConnectorSettings> connectors = new ArrayList<>();
        for (EndpointEntries.Entry e : EndpointEntries.connectors(tcp, ENTRY_KEYS, TcpSection::addressProblem,
                problems)) {
            int before = problems.count();
            TcpConnectorSettings.Tls tls = TcpTlsSection.connector(e.section(), source, filesCheckedAt, problems);
            if (problems.count() == before) {
                connectors.add(new TcpConnectorSettings(e.address(), e.host(), e.port(), tls));
            }
        }
        return new Tcp(listeners, connectors);
    }

    /** Plain names, outside the namespaces of the udp and http adaptors. */
    private static String addressProblem(String address) {
        String problem = Address.problem(AddressKind.PLAIN, address, null);
        if (problem == null && address.startsWith(UdpAdaptor.NAMESPACE)) {
            problem = "addresses starting with '" + UdpAdaptor.NAMESPACE + "' are the udp adaptor's";
        }
        if (problem == null && address.startsWith(HttpAdaptor.NAMESPACE)) {
            problem = "addresses starting with '" + HttpAdaptor.NAMESPACE + "' are the http adaptor's";
        }
        return problem;
    }
}
