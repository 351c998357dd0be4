package io.vanrouter.transport.adaptor.udp;

import static org.awaitility.Awaitility.await;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.transport.CoreLoop;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.adaptor.tcp.StaticConnectorDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real routers (TransportServer + CoreLoop + one adaptor) on 127.0.0.1 in one JVM, with a static directory each. */
final class UdpRouters implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    record Router(String id, TransportServer server, CoreLoop core, ProtocolAdaptor adaptor) {
        int linkPort() {
            return server.boundAddresses().get(0).getPort();
        }

        UdpAdaptor udp() {
            return (UdpAdaptor) adaptor;
        }

        int udpPort() {
            return udp().listenerAddresses().get(0).getPort();
        }

        UdpAddressCounters counters(String address) {
            return udp().counters().view(address);
        }
    }

    private final List<Router> routers = new ArrayList<>();

    /** @param directory UDP address (without namespace) to routers with a connector for it */
    Router start(String id, UdpSettings settings, Map<String, List<String>> directory, Router... peers)
            throws Exception {
        return start(id, core -> new UdpAdaptor(settings, new StaticConnectorDirectory(id, namespaced(directory),
                core::routingTable)), peers);
    }

    /** A router with an adaptor of the test's own. */
    Router start(String id, java.util.function.Function<CoreLoop, ProtocolAdaptor> adaptor, Router... peers)
            throws Exception {
        List<Endpoint> dial = new ArrayList<>();
        for (Router peer : peers) {
            dial.add(new Endpoint("127.0.0.1", peer.linkPort(), 1));
        }
        TransportSettings settings = new TransportSettings(id, 1, "test", RouterMode.INTERIOR,
                List.of(new Endpoint("127.0.0.1", 0, 1)), dial, 5_000, TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50,
                500);
        TransportServer server = new TransportServer(settings);
        CoreLoop core = new CoreLoop(CoreSettings.defaults(id, 1).withHello(100, 1_000), server.controlSender());
        core.start();
        ProtocolAdaptor built = adaptor.apply(core);
        server.start(core, List.of(built));
        Router router = new Router(id, server, core, built);
        routers.add(router);
        return router;
    }

    private static Map<String, List<String>> namespaced(Map<String, List<String>> directory) {
        Map<String, List<String>> result = new java.util.HashMap<>();
        directory.forEach((address, sites) -> result.put(UdpAdaptor.streamAddress(address), sites));
        return result;
    }

    void awaitRoutes() {
        await().atMost(WAIT).until(() -> routers.stream().allMatch(r -> routers.stream()
                .allMatch(o -> o == r || r.core().routingTable().route(o.id()).isPresent())));
    }

    /** Waits until no router has a live stream. */
    void awaitNoStreams() {
        await().atMost(WAIT).until(() -> routers.stream().allMatch(r -> r.server().streamViews().isEmpty()));
    }

    @Override
    public void close() {
        for (Router router : routers) {
            router.server().close();
            router.core().close();
        }
    }
}
