package io.vanrouter.transport.adaptor.http;

import java.util.Locale;

/** The HTTP version a listener speaks to its clients or a connector to its server ({@code protocol:}). */
public enum HttpProtocol {
    /** HTTP/1.1 (keep-alive, chunked bodies, trailers on chunked bodies). */
    HTTP1,
    /** HTTP/2 over cleartext with prior knowledge (h2c, as gRPC clients speak it); no TLS, no Upgrade. */
    HTTP2;

    /** "http1" or "http2", as in the configuration. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
