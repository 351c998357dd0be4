package io.vanrouter.core.port;

import io.vanrouter.core.path.RoutingTable;

/** Told of every new routing table, on the core thread. Must not block; typically stores it in a volatile field. */
@FunctionalInterface
public interface RoutingListener {
    void onRoutingTable(RoutingTable table);
}
