package io.vanrouter.transport.adaptor.tcp;

import static org.awaitility.Awaitility.await;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.transport.CoreLoop;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.stream.StreamView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real routers (TransportServer + CoreLoop + TcpAdaptor) on 127.0.0.1 in one JVM, with a static connector directory
 * each.
 */
final class Routers implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    record Router(String id, TransportServer server, CoreLoop core, TcpAdaptor tcp) {
        int linkPort() {
            return server.boundAddresses().get(0).getPort();
        }

        int tcpPort() {
            return tcp.listenerAddresses().get(0).getPort();
        }

        List<StreamView> streams() {
            return server.streamViews();
        }

        TcpAddressCounters counters(String address) {
            return tcp.counters().view(address);
        }

        long linkId(String peer) {
            return server.linkViews().stream().filter(v -> peer.equals(v.peerId()) && v.state().equals("active"))
                    .findFirst().orElseThrow().linkId();
        }
    }

    private final List<Router> routers = new ArrayList<>();
    private int dataConnections = TransportServer.DATA_CONNECTIONS_DEFAULT;

    /** Splicing on (it is off by default), so that the TCP tests cover moved hops and the splice relay. */
    private long spliceAfterBytes = io.vanrouter.transport.stream.StreamLimits.BULK_STREAM_BYTES;

    /** Routers started from now on splice streams after this many bytes (0: never). */
    Routers spliceAfterBytes(long bytes) {
        spliceAfterBytes = bytes;
        return this;
    }

    private long spliceAfterReads = io.vanrouter.transport.stream.StreamLimits.SPLICE_AFTER_READS_DEFAULT;

    /** Routers started from now on splice streams after this many reads too (0: bulk ones only). */
    Routers spliceAfterReads(long reads) {
        spliceAfterReads = reads;
        return this;
    }

    private int ioThreads = TransportServer.IO_THREADS_DEFAULT;

    /** Routers started from now on run this many data event loops (and offer as many data connections per link). */
    Routers ioThreads(int loops) {
        ioThreads = loops;
        dataConnections = Math.min(dataConnections, loops);
        return this;
    }

    /** Routers started from now on offer this many data connections per link. */
    Routers dataConnections(int perLink) {
        dataConnections = perLink;
        return this;
    }

    /**
     * Starts a router listening for routers on a free port and dialing {@code peers}.
     *
     * @param directory address to routers with a connector, as the (future) address table would report
     */
    Router start(String id, List<TcpListenerSettings> listeners, List<TcpConnectorSettings> connectors,
            Map<String, List<String>> directory, Router... peers) throws Exception {
        List<Endpoint> dial = new ArrayList<>();
        for (Router peer : peers) {
            dial.add(new Endpoint("127.0.0.1", peer.linkPort(), 1));
        }
        TransportSettings settings = new TransportSettings(id, 1, "test", RouterMode.INTERIOR,
                List.of(new Endpoint("127.0.0.1", 0, 1)), dial, 5_000, TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50,
                500);
        TransportServer server = new TransportServer(settings).ioThreads(ioThreads).dataConnections(dataConnections)
                .spliceAfterBytes(spliceAfterBytes).spliceAfterReads(spliceAfterReads);
        CoreLoop core = new CoreLoop(CoreSettings.defaults(id, 1).withHello(100, 1_000), server.controlSender());
        core.start();
        TcpAdaptor tcp = new TcpAdaptor(new TcpSettings(listeners, connectors),
                new StaticConnectorDirectory(id, directory, core::routingTable));
        server.start(core, List.of(tcp));
        Router router = new Router(id, server, core, tcp);
        routers.add(router);
        return router;
    }

    /** Waits until every router has a route to every other. */
    void awaitRoutes() {
        await().atMost(WAIT).until(() -> routers.stream().allMatch(r -> routers.stream()
                .allMatch(o -> o == r || r.core().routingTable().route(o.id()).isPresent())));
    }

    /** Waits until no router has a live stream or an open TCP socket. */
    void awaitIdle() {
        await().atMost(WAIT).until(() -> routers.stream().allMatch(r -> r.streams().isEmpty()
                && r.tcp().openSockets() == 0));
    }

    @Override
    public void close() {
        for (Router router : routers) {
            router.server().close();
            router.core().close();
        }
    }
}
