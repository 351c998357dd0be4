package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.mgmt.StatusReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Edge routers of one JVM on shared event loops and management threads, as {@code run --config a --config b}. */
@Timeout(60)
class SharedResourcesTest {
    private static final Duration ATTACH = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private RouterConfig config(String id, String yaml) throws Exception {
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private RouterConfig edge(String id, int uplink) throws Exception {
        return config(id, """
                router: {id: %s, mode: edge, network: test}
                peers: [{host: 127.0.0.1, port: %d}]
                management: {host: 127.0.0.1, port: 0}
                tls: {insecure: true}
                routing: {reconnectInitialMillis: 100, reconnectMaxMillis: 1000}
                mqtt: {listen: {host: 127.0.0.1, port: 0}}
                """.formatted(id, uplink));
    }

    private static List<String> links(RouterDaemon router) throws Exception {
        StatusReport report = router.status().get(5, TimeUnit.SECONDS);
        return report.links().stream().map(l -> l.peer() + " " + l.state()).sorted().toList();
    }

    private static int statusCode(RouterDaemon router) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + router.managementAddress().getPort() + "/status")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    @Test
    void shouldRunTheRoutersOfOneProcessOnSharedLoopsThatOutliveEachRouter() throws Exception {
        RouterDaemon hub = RouterDaemon.start(config("hub", """
                router: {id: hub, network: test}
                listen: [{host: 127.0.0.1, port: 0}]
                management: {enabled: false}
                tls: {insecure: true}
                """));
        opened.add(hub);
        int uplink = hub.listenAddresses().get(0).getPort();
        RouterConfig c1 = edge("e1", uplink);
        RouterConfig c2 = edge("e2", uplink);
        SharedResources shared = SharedResources.forRouters(List.of(c1, c2));
        opened.add(shared);
        RouterDaemon e1 = RouterDaemon.start(c1, shared);
        opened.add(e1);
        RouterDaemon e2 = RouterDaemon.start(c2, shared);
        opened.add(e2);

        for (RouterDaemon edge : List.of(e1, e2)) {
            await().atMost(ATTACH).until(() -> links(edge).equals(List.of("hub uplink (active)")));
            assertThat(statusCode(edge)).isEqualTo(200);
        }
        // No event loop of its own per edge: their links and sockets run on the shared ones.
        assertThat(threadNames()).noneMatch(name -> name.startsWith("vanrouter-e1-") || name.startsWith("vanrouter-e2-"))
                .anyMatch(name -> name.startsWith("vanrouter-shared-control"));

        e1.close(); // the other router's links, sockets and management go on
        await().atMost(ATTACH).until(() -> links(hub).equals(List.of("e2 edge")));
        assertThat(links(e2)).containsExactly("hub uplink (active)");
        assertThat(statusCode(e2)).isEqualTo(200);
        assertThat(threadNames()).anyMatch(name -> name.startsWith("vanrouter-shared-control"));
    }
}
