package io.vanrouter.transport.stream;

import io.netty.util.concurrent.Future;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The datagram connectors of a router by address namespace (the prefix of their addresses, e.g. {@code udp:}), and
 * how the connector side of a datagram flow is opened with one.
 *
 * <p>Registered before links come up; looked up from any event loop.
 */
final class DatagramConnectors {
    private final Map<String, DatagramConnector> byNamespace = new ConcurrentHashMap<>();

    void register(String namespace, DatagramConnector connector) {
        byNamespace.put(namespace, connector);
    }

    /** The connector serving {@code address}'s namespace, or null: the address is a socket connector's. */
    Entry forAddress(String address) {
        for (Map.Entry<String, DatagramConnector> entry : byNamespace.entrySet()) {
            if (address.startsWith(entry.getKey())) {
                return new Entry(entry.getValue());
            }
        }
        return null;
    }

    record Entry(DatagramConnector connector) {
        /** Opens the connector side of a flow on its loop; false when this router has no connector for it. */
        boolean connect(Stream stream, DatagramEnd server) {
            Future<DatagramSink> future = connector.open(stream.address(), stream.loop, server);
            if (future == null) {
                return false;
            }
            future.addListener(f -> {
                if (f.isSuccess() && server.released()) {
                    future.getNow().closed(); // the flow was reset while the socket was being set up
                } else if (f.isSuccess()) {
                    server.connected(future.getNow());
                    stream.onOpened(server);
                } else if (!server.released()) {
                    stream.abortFrom(server, StreamResetCode.CONNECT_FAILED, "connector for '" + stream.address()
                            + "' at " + stream.router.routerId() + ": " + Errors.describe(f.cause()));
                }
            });
            return true;
        }
    }
}
