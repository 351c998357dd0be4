package io.vanrouter.transport.adaptor;

import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.path.RoutingTable;

/**
 * The core's published routing state as adaptors read it: lock-free reads of immutable snapshots, and a hook that
 * says when they changed. Implemented by {@code CoreLoop}.
 *
 * <p>Any thread; never blocks.
 */
public interface RoutingView {

    /** Routes and addresses of one moment; read it once per decision that needs both. */
    ForwardingView forwarding();

    /** Next hop and cost per reachable router. */
    default RoutingTable routingTable() {
        return forwarding().routes();
    }

    /** Which routers have consumers of which addresses and topic filters. */
    default AddressSnapshotView addressView() {
        return forwarding().addresses();
    }

    /**
     * Runs {@code listener} (on the core thread, briefly, without blocking) after every new routing table or address
     * view. Returns a handle that removes it.
     */
    AutoCloseable onForwardingChange(Runnable listener);

    /** A view with no routes and no addresses that never changes: a router with no core thread (tests). */
    static RoutingView empty(String routerId) {
        ForwardingView empty = ForwardingView.empty(routerId, AddressRules.none());
        return new RoutingView() {
            @Override
            public ForwardingView forwarding() {
                return empty;
            }

            @Override
            public AutoCloseable onForwardingChange(Runnable listener) {
                return () -> { };
            }
        };
    }
}
