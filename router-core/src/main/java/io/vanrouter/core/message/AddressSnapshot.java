package io.vanrouter.core.message;

import io.vanrouter.core.address.AddressEntry;

import java.util.List;
import java.util.Objects;

/**
 * Absolute state of origin router {@code origin}'s entries as of update {@code sequence} of {@code instance}
 * ({@code sequence} 0 is the empty state before the first update). Sent in answer to an {@link AddressSyncRequest}
 * and, for every known origin, to a new neighbour. Replaces the receiver's entries of that origin wholesale when it is
 * newer than what the receiver holds. Immutable; any thread.
 */
public record AddressSnapshot(String origin, long instance, long sequence, List<AddressEntry> entries)
        implements ControlMessage {
    public AddressSnapshot {
        Objects.requireNonNull(origin, "origin");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
        }
        entries = List.copyOf(entries);
    }
}
