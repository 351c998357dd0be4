package io.vanrouter.core.port;

import io.vanrouter.core.address.AddressSnapshotView;

/**
 * Told of every new address view (which routers have consumers for which addresses), on the core thread. Must not
 * block; typically stores it in a volatile field that event loops read.
 */
@FunctionalInterface
public interface AddressViewListener {
    void onAddressView(AddressSnapshotView view);

    AddressViewListener IGNORE = view -> { };
}
