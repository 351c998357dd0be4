package io.vanrouter.core.message;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;

import java.util.List;
import java.util.Objects;

/**
 * Differential address update from origin router {@code routerId}: the entries added or whose consumer count changed
 * ({@code adds}, with the new count) and the entries withdrawn ({@code removes}) since update {@code sequence - 1} of
 * the same {@code instance}. Flooded to every router; a receiver applies it only on top of exactly
 * {@code sequence - 1} (see {@link io.vanrouter.core.address.AddressTable#onUpdate}). Sequence 1 applies on top of the empty state of a new
 * instance. Immutable; any thread.
 */
public record AddressUpdate(String routerId, long instance, long sequence, List<AddressEntry> adds,
                            List<Address> removes) implements ControlMessage {
    public AddressUpdate {
        Objects.requireNonNull(routerId, "routerId");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
        }
        adds = List.copyOf(adds);
        removes = List.copyOf(removes);
    }
}
