package io.vanrouter.transport.netty;

/** Names of pipeline handlers, so that handlers can be found, replaced and listed in logs. */
public final class HandlerNames {
    public static final String PROXY = "proxy";
    public static final String FLUSH_CONSOLIDATION = "flushConsolidation";
    public static final String TLS = "tls";
    public static final String TLS_OUTCOME = "tlsOutcome";
    /** Counts an inter-router connection's bytes each way (metrics). */
    public static final String TRAFFIC = "traffic";
    public static final String FRAME_DECODER = "frameDecoder";
    public static final String FRAME_ENCODER = "frameEncoder";
    public static final String FLOW = "flow";
    public static final String SOCKET_END = "socketEnd";
    public static final String HANDSHAKE = "handshake";
    public static final String LINK = "link";
    public static final String EXCEPTIONS = "exceptions";

    private HandlerNames() {
    }
}
