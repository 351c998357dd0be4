package io.vanrouter.core.address;

import java.util.Objects;

/**
 * One advertised entry: an address and how many local consumers the advertising router has for it (at least one; a
 * router with none withdraws the entry instead). Immutable; any thread.
 */
public record AddressEntry(Address address, int consumers) {
    public AddressEntry {
        Objects.requireNonNull(address, "address");
        if (consumers < 1) {
            throw new IllegalArgumentException("consumers must be >= 1, got " + consumers);
        }
    }
}
