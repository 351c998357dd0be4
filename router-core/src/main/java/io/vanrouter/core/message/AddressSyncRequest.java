package io.vanrouter.core.message;

import java.util.Objects;

/**
 * Asks a neighbour for its {@link AddressSnapshot} of {@code origin}'s entries; sent when an update shows a gap or an
 * unknown instance. The neighbour answers with {@link io.vanrouter.core.address.AddressTable#snapshotOf(String)} if it knows the origin.
 * Immutable; any thread.
 */
public record AddressSyncRequest(String origin) implements ControlMessage {
    public AddressSyncRequest {
        Objects.requireNonNull(origin, "origin");
    }
}
