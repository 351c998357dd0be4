package io.vanrouter.core.address;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a plain address has consumers, as of one {@link AddressSnapshotView}: the local consumer count and the other
 * routers with consumers (router id to count, sorted by router id). Immutable; any thread.
 */
public record AddressRoute(String address, Distribution distribution, int localConsumers,
                           SortedMap<String, Integer> remoteConsumers) {
    public AddressRoute {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(distribution, "distribution");
        remoteConsumers = Collections.unmodifiableSortedMap(new TreeMap<>(remoteConsumers));
    }

    /** Whether any consumer exists, here or on another router. */
    public boolean hasConsumers() {
        return localConsumers > 0 || !remoteConsumers.isEmpty();
    }
}
