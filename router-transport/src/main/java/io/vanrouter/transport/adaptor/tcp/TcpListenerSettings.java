package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.tls.TlsException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A TCP listener: accept connections on {@code host:port} (port 0: any free port, tests) and carry each to a
 * connector of {@code address}; with {@code tls} (may be null) the listener terminates TLS.
 */
public record TcpListenerSettings(String address, String host, int port, Distribution distribution, Tls tls) {
    public TcpListenerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(distribution, "distribution");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public TcpListenerSettings(String address, String host, int port, Distribution distribution) {
        this(address, host, port, distribution, null);
    }

    public TcpListenerSettings(String address, String host, int port) {
        this(address, host, port, Distribution.BALANCED);
    }

    /**
     * TLS on the listener: its certificate and key (PEM), and the CA whose client certificates it requires (null:
     * clients need none).
     */
    public record Tls(Path cert, Path key, Path clientCa) {
        public Tls {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }

        /** Reads the files (caller's thread: file I/O). */
        public ServerTls load() throws TlsException {
            return ServerTls.forStreams(cert, key, clientCa);
        }
    }
}
