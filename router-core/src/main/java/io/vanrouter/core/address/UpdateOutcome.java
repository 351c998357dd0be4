package io.vanrouter.core.address;

import io.vanrouter.core.message.AddressSyncRequest;

/** What the caller must do after {@link AddressTable#onUpdate} or {@link AddressTable#onSnapshot}. */
public enum UpdateOutcome {
    /** Applied: flood the same message on to every other neighbour. */
    APPLIED,
    /** Already held (same or older sequence of the same instance, or our own): drop it. */
    DUPLICATE,
    /** From an older instance than the one held: drop it. */
    STALE,
    /**
     * Not applicable (a gap, or an instance not seen before whose update does not start at sequence 1): send an
     * {@link AddressSyncRequest} for the origin to the neighbour the update came from. Entries already held stay.
     */
    REQUEST_SNAPSHOT
}
