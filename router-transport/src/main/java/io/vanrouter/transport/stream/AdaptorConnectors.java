package io.vanrouter.transport.stream;

import io.netty.util.concurrent.Future;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adaptor connectors of a router by address namespace (e.g. {@code http:}), and how the connector side of a
 * stream is opened with one.
 *
 * <p>Registered before links come up; looked up from any event loop.
 */
final class AdaptorConnectors {
    private final Map<String, AdaptorConnector> byNamespace = new ConcurrentHashMap<>();

    void register(String namespace, AdaptorConnector connector) {
        byNamespace.put(namespace, connector);
    }

    /** The connector serving {@code address}'s namespace, or null. */
    AdaptorConnector forAddress(String address) {
        for (Map.Entry<String, AdaptorConnector> entry : byNamespace.entrySet()) {
            if (address.startsWith(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** Opens the connector side of {@code stream} on its loop; false when this router has no connector for it. */
    static boolean connect(AdaptorConnector connector, Stream stream, AdaptorEnd server) {
        Future<AdaptorSink> future = connector.open(stream.address(), stream.loop, server);
        if (future == null) {
            return false;
        }
        future.addListener(f -> stream.execute(() -> {
            if (f.isSuccess() && server.released()) {
                future.getNow().closed(); // the stream was reset while the server side was being set up
            } else if (f.isSuccess()) {
                server.connected(future.getNow());
                stream.onOpened(server);
            } else if (!server.released()) {
                stream.abortFrom(server, StreamResetCode.CONNECT_FAILED, "connector for '" + stream.address()
                        + "' at " + stream.router.routerId() + ": " + Errors.describe(f.cause()));
            }
        }));
        return true;
    }
}
