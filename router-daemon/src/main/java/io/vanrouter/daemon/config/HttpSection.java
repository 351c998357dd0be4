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
import java.util.List;

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

    private HttpSection() {
    }

    static HttpSettings validate(Section top, AddressRules rules, Problems problems) {
        YamlNode node = top.value("http");
        Section http = node == null ? null : Section.of(node, "http", problems);
        if (http == null) {
            return HttpSettings.NONE;
        }
        http.rejectUnknown(KEYS);
        List<HttpListenerSettings> listeners = new ArrayList<>();
        for (EndpointEntries.Entry e : EndpointEntries.listeners(http, ENTRY_KEYS, HttpSection::addressProblem,
                problems)) {
            HttpProtocol protocol = protocol(e.section());
            if (protocol != null) {
                listeners.add(new HttpListenerSettings(e.address(), e.host(), e.port(), protocol,
                        rules.forAddress(e.address())));
            }
        }
        List<HttpConnectorSettings> connectors = new ArrayList<>();
        for (EndpointEntries.Entry e : EndpointEntries.connectors(http, ENTRY_KEYS, HttpSection::addressProblem,
                problems)) {
            HttpProtocol protocol = protocol(e.section());
            if (protocol != null) {
                connectors.add(new HttpConnectorSettings(e.address(), e.host(), e.port(), protocol));
            }
        }
        return new HttpSettings(listeners, connectors);
    }

    /** The name goes on the wire with its namespace, so the namespaced name must be a valid address. */
    private static String addressProblem(String address) {
        return Address.problem(AddressKind.PLAIN, HttpAdaptor.streamAddress(address), null);
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
