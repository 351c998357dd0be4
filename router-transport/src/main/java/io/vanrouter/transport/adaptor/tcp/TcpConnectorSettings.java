package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.transport.tls.ClientTls;
import io.vanrouter.transport.tls.TlsException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A TCP connector: streams for {@code address} that reach this router are opened to {@code host:port}; with
 * {@code tls} (may be null) over TLS.
 */
public record TcpConnectorSettings(String address, String host, int port, Tls tls) {
    public TcpConnectorSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public TcpConnectorSettings(String address, String host, int port) {
        this(address, host, port, null);
    }

    /**
     * TLS toward the server.
     *
     * @param ca             CA bundle (PEM) the server's certificate must chain to; null: the JDK's default trust store
     * @param cert           client certificate to present, or null (then {@code key} is null too)
     * @param key            its private key
     * @param serverName     name sent in SNI and checked against the certificate; null: the connector's host
     * @param verifyHostname whether the server's certificate must name that host
     */
    public record Tls(Path ca, Path cert, Path key, String serverName, boolean verifyHostname) {
        public Tls {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("cert and key go together");
            }
        }

        /** Reads the files (caller's thread: file I/O). */
        public ClientTls load() throws TlsException {
            return ClientTls.load(ca, cert, key, serverName, verifyHostname);
        }
    }
}
