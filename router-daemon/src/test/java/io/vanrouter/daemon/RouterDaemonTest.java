package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.config.RouterConfig.RoutingConfig;
import io.vanrouter.daemon.mgmt.StatusReport;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several routers with real sockets in one JVM, wired exactly as the daemon wires them.
 *
 * <pre>
 *        a
 *    1  / \  10
 *      b---c
 *        1
 * </pre>
 */
class RouterDaemonTest {
    private static final Duration CONVERGE = Duration.ofSeconds(15);
    private final List<RouterDaemon> routers = new ArrayList<>();

    @AfterEach
    void closeRouters() {
        routers.forEach(RouterDaemon::close);
    }

    private RouterDaemon start(String id, Endpoint... peers) throws Exception {
        RoutingConfig routing = RoutingConfig.defaults().withTimers(200, 600, 20_000, 60_000, 5_000, 50, 500);
        RouterConfig config = new RouterConfig(null, id, RouterMode.INTERIOR, "test",
                List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(peers),
                new ManagementConfig(true, "127.0.0.1", 0), routing);
        RouterDaemon router = RouterDaemon.start(config);
        routers.add(router);
        return router;
    }

    private static Endpoint peer(RouterDaemon router, int cost) {
        InetSocketAddress address = router.listenAddresses().get(0);
        return new Endpoint("127.0.0.1", address.getPort(), cost);
    }

    private static Optional<StatusReport.Node> node(RouterDaemon router, String id) throws Exception {
        StatusReport report = router.status().get(5, TimeUnit.SECONDS);
        return report.nodes().stream().filter(n -> n.id().equals(id)).findFirst();
    }

    private static String route(RouterDaemon router, String id) throws Exception {
        return node(router, id).map(n -> n.reachable() ? n.nextHop() + "/" + n.cost() : "unreachable")
                .orElse("unknown");
    }

    @Test
    void shouldConvergeOnLeastCostPathsAndRerouteWhenRouterCloses() throws Exception {
        RouterDaemon c = start("c");
        RouterDaemon b = start("b", peer(c, 1));
        RouterDaemon a = start("a", peer(b, 1), peer(c, 10));

        await().atMost(CONVERGE).until(() -> route(a, "c").equals("b/2") && route(c, "a").equals("b/2"));
        assertThat(route(b, "a")).isEqualTo("a/1");

        b.close();
        await().atMost(CONVERGE).until(() -> route(a, "c").equals("c/10"));
        await().atMost(CONVERGE).until(() -> route(c, "a").equals("a/10"));
    }

    @Test
    void shouldReportLinksAndNodesInStatus() throws Exception {
        RouterDaemon b = start("b");
        RouterDaemon a = start("a", peer(b, 3));

        await().atMost(CONVERGE).until(() -> route(a, "b").equals("b/3"));
        // Data connections follow the link (a dials them); status shows them once both ends have them.
        await().atMost(CONVERGE).until(() -> a.status().get(5, TimeUnit.SECONDS).links().get(0).dataConnections()
                == TransportServer.DATA_CONNECTIONS_DEFAULT);
        StatusReport report = a.status().get(5, TimeUnit.SECONDS);
        assertThat(report.router()).isEqualTo("a");
        assertThat(report.network()).isEqualTo("test");
        assertThat(report.links()).singleElement().satisfies(link -> {
            assertThat(link.peer()).isEqualTo("b");
            assertThat(link.state()).isEqualTo("up");
            assertThat(link.direction()).isEqualTo("out");
            assertThat(link.cost()).isEqualTo(3);
        });
        long instanceOfB = b.status().get(5, TimeUnit.SECONDS).instance();
        assertThat(report.nodes()).singleElement().satisfies(node -> {
            assertThat(node.id()).isEqualTo("b");
            assertThat(node.reachable()).isTrue();
            assertThat(node.nextHop()).isEqualTo("b");
            assertThat(node.cost()).isEqualTo(3);
            assertThat(node.hops()).isEqualTo(1);
            assertThat(node.instance()).as("instance of b's link-state record").isEqualTo(instanceOfB);
            assertThat(node.linkStateSequence()).isPositive();
            assertThat(node.linkStateAgeMillis()).isNotNegative();
        });
        assertThat(a.managementAddress()).isNotNull();
    }
}
