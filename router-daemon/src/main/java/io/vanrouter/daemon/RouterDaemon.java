package io.vanrouter.daemon;

import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.mgmt.StatusReport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The composition root of one router: core thread, transport, management endpoint. Built, started, awaited and
 * closed in reverse order. Several can run in one JVM (the demo, tests).
 */
public final class RouterDaemon implements AutoCloseable {

    /** Builds and starts a router; throws with a clear message when a port cannot be bound. */
    public static RouterDaemon start(RouterConfig config) throws Exception {
        throw new UnsupportedOperationException("to be written");
    }

    public String routerId() {
        throw new UnsupportedOperationException("to be written");
    }

    /** Where the management endpoint listens, or null when it is disabled. */
    public InetSocketAddress managementAddress() {
        throw new UnsupportedOperationException("to be written");
    }

    /** Bound inter-router listener addresses. */
    public List<InetSocketAddress> listenAddresses() {
        throw new UnsupportedOperationException("to be written");
    }

    /** A status snapshot, as the management endpoint serves it. */
    public CompletableFuture<StatusReport> status() {
        throw new UnsupportedOperationException("to be written");
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        throw new UnsupportedOperationException("to be written");
    }

    /** Closes links with a reason, stops listeners and the core. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("to be written");
    }
}
