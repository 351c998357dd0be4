package io.vanrouter.transport.adaptor.http;

import static org.awaitility.Awaitility.await;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.transport.CoreLoop;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.tcp.StaticConnectorDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Real routers (TransportServer + CoreLoop + the HTTP adaptor) on 127.0.0.1 in one JVM, with a static directory. */
final class HttpRouters implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    record Router(String id, TransportServer server, CoreLoop core, HttpAdaptor http) {
        int linkPort() {
            return server.boundAddresses().get(0).getPort();
        }

        int httpPort() {
            return http.listenerAddresses().get(0).getPort();
        }
    }

    private final List<Router> routers = new ArrayList<>();

    /** @param directory HTTP address (without namespace) to routers with a connector for it */
    Router start(String id, HttpSettings settings, Map<String, List<String>> directory, Router... peers)
            throws Exception {
        List<Endpoint> dial = new ArrayList<>();
        for (Router peer : peers) {
            dial.add(new Endpoint("127.0.0.1", peer.linkPort(), 1));
        }
        TransportSettings transport = new TransportSettings(id, 1, "test", RouterMode.INTERIOR,
                List.of(new Endpoint("127.0.0.1", 0, 1)), dial, 5_000, TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50,
                500);
        TransportServer server = new TransportServer(transport);
        CoreLoop core = new CoreLoop(CoreSettings.defaults(id, 1).withHello(100, 1_000), server.controlSender());
        core.start();
        Map<String, List<String>> namespaced = new HashMap<>();
        directory.forEach((address, sites) -> namespaced.put(HttpAdaptor.streamAddress(address), sites));
        HttpAdaptor http = new HttpAdaptor(settings, new StaticConnectorDirectory(id, namespaced,
                core::routingTable));
        server.start(core, List.of(http));
        Router router = new Router(id, server, core, http);
        routers.add(router);
        return router;
    }

    /**
     * Router c with a connector for "web" to the server at {@code serverPort}, and router a, linked to c, with a
     * listener for "web"; returns a once both have routes.
     */
    Router listenerAndConnector(HttpProtocol listener, int serverPort, HttpProtocol server) throws Exception {
        Map<String, List<String>> directory = Map.of("web", List.of("c"));
        Router c = start("c", new HttpSettings(List.of(), List.of(new HttpConnectorSettings("web", "127.0.0.1",
                serverPort, server))), directory);
        Router a = start("a", new HttpSettings(List.of(new HttpListenerSettings("web", "127.0.0.1", 0, listener)),
                List.of()), directory, c);
        awaitRoutes();
        return a;
    }

    void awaitRoutes() {
        await().atMost(WAIT).until(() -> routers.stream().allMatch(r -> routers.stream()
                .allMatch(o -> o == r || r.core().routingTable().route(o.id()).isPresent())));
    }

    @Override
    public void close() {
        for (Router router : routers) {
            router.server().close();
            router.core().close();
        }
    }
}
