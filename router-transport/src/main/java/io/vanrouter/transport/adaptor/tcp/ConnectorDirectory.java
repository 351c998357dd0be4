package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.transport.stream.ConnectorCandidate;
import java.util.List;

/**
 * Which routers have a connector for an address. The daemon backs it with the address table; tests use
 * {@link StaticConnectorDirectory}.
 *
 * <p>Any thread (event loops call {@link #candidates} per new connection): must not block; read a published
 * snapshot.
 */
public interface ConnectorDirectory {

    /**
     * The reachable routers with a connector for {@code address}, this router included (cost 0) when it has one, each
     * with its path cost. Empty when none is reachable.
     */
    List<ConnectorCandidate> candidates(String address);

    /**
     * Runs {@code onChange} (on any thread, briefly) whenever the candidates of some address may have changed.
     * Returns a handle that unsubscribes.
     */
    default AutoCloseable subscribe(Runnable onChange) {
        return () -> { };
    }
}
