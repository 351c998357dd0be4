package io.vanrouter.transport.adaptor.http;

import java.util.Objects;

/** An HTTP connector: the requests for {@code address} that reach this router go to the server at {@code host:port}. */
public record HttpConnectorSettings(String address, String host, int port, HttpProtocol protocol) {
    public HttpConnectorSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
