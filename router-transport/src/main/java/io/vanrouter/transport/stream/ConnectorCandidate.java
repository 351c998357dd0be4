package io.vanrouter.transport.stream;

import java.util.Objects;

/** A router with a connector for an address, and the path cost to it from this router (0 for this router). */
public record ConnectorCandidate(String routerId, long cost) {
    public ConnectorCandidate {
        Objects.requireNonNull(routerId, "routerId");
    }
}
