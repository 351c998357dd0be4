package io.vanrouter.core.message;

/** A control record exchanged between neighbouring routers. Immutable; safe to share across threads. */
public sealed interface ControlMessage permits Hello, LinkStateUpdate, AddressUpdate, AddressSnapshot, AddressSyncRequest {
}
