package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.core.address.AddressRules;
import io.vanrouter.daemon.RouterDaemon;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.config.RouterConfig.RoutingConfig;
import io.vanrouter.daemon.mgmt.StatusJson;
import io.vanrouter.daemon.mgmt.TopologyReport;
import io.vanrouter.daemon.mgmt.TraceReport;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code status --network|--graph|--watch|mqtt} and {@code trace} against three routers in this JVM: a triangle
 * a-b cost 1, b-c cost 1, a-c cost 5, a TCP connector of {@code svc} at c and a listener at a.
 */
@Timeout(60)
class OpsViewsCommandTest {
    private static final Duration CONVERGE = Duration.ofSeconds(15);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private RouterDaemon a;
    private RouterDaemon b;
    private String routerA;

    @BeforeEach
    void startTriangle() throws Exception {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        resources.add(server);
        RouterDaemon c = start("c", List.of(), List.of(),
                List.of(new TcpConnectorSettings("svc", "127.0.0.1", server.getLocalPort())));
        b = start("b", List.of(peer(c, 1)), List.of(), List.of());
        a = start("a", List.of(peer(b, 1), peer(c, 5)), List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)),
                List.of());
        routerA = "127.0.0.1:" + a.managementAddress().getPort();
        await().atMost(CONVERGE).until(() -> trace("svc").destinations().stream()
                .anyMatch(d -> d.router().equals("c") && d.cost() == 2));
    }

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private RouterDaemon start(String id, List<Endpoint> peers, List<TcpListenerSettings> listeners,
            List<TcpConnectorSettings> connectors) throws Exception {
        RoutingConfig routing = RoutingConfig.defaults().withTimers(200, 600, 20_000, 60_000, 5_000, 50, 500);
        RouterConfig config = new RouterConfig(null, id, RouterMode.INTERIOR, "test",
                List.of(new Endpoint("127.0.0.1", 0, 1)), peers, new ManagementConfig(true, "127.0.0.1", 0),
                routing, AddressRules.none(), null, listeners, connectors);
        RouterDaemon router = RouterDaemon.start(config);
        resources.add(router);
        return router;
    }

    private static Endpoint peer(RouterDaemon router, int cost) {
        return new Endpoint("127.0.0.1", router.listenAddresses().get(0).getPort(), cost);
    }

    private TraceReport trace(String address) throws Exception {
        CliRun run = CliRun.vanrouter("trace", "--router", routerA, "--json", address);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return StatusJson.readTrace(run.out());
    }

    private TopologyReport topology() throws Exception {
        CliRun run = CliRun.vanrouter("status", "--router", routerA, "--network", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return StatusJson.readTopology(run.out());
    }

    @Test
    void shouldTraceAServiceAddressToItsConnectorAlongTheCheapestPath() {
        CliRun run = CliRun.vanrouter("trace", "--router", routerA, "svc");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Trace of 'svc' from router a (service address, distribution balanced)");
        assertThat(run.out().lines()).anyMatch(line -> line.matches("->\\s+c\\s+1\\s+2\\s+0\\s+a > b > c"));
        assertThat(run.out()).contains("Why: balanced: the least path cost + TCP connections open from a")
                .contains("now c");
    }

    @Test
    void shouldTraceTheNewPathAfterARouterOnTheWayStops() throws Exception {
        b.close();

        await().atMost(CONVERGE).untilAsserted(() -> assertThat(trace("svc").destinations())
                .singleElement().satisfies(d -> {
                    assertThat(d.path()).containsExactly("a", "c");
                    assertThat(d.cost()).isEqualTo(5);
                    assertThat(d.selected()).isTrue();
                }));
    }

    @Test
    void shouldSayWhenNoRouterHasAConsumer() {
        CliRun run = CliRun.vanrouter("trace", "--router", routerA, "nobody/here");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("(no consumers, distribution").contains("no router has a consumer");
    }

    @Test
    void shouldShowEveryRoutersLinksFromOneRouter() {
        CliRun run = CliRun.vanrouter("status", "--router", routerA, "--network");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Network test as router a sees it");
        assertThat(run.out().lines()).anyMatch(l -> l.matches("a\\s+b\\s+1\\s+1\\s+up"))
                .anyMatch(l -> l.matches("a\\s+c\\s+5\\s+5\\s+up"))
                .anyMatch(l -> l.matches("b\\s+c\\s+1\\s+1\\s+up"))
                .anyMatch(l -> l.matches("c\\s+2\\s+a > b > c\\s+svc"));
    }

    @Test
    void shouldShowALinkDownWhenItsRouterStops() throws Exception {
        b.close();

        await().atMost(CONVERGE).untilAsserted(() -> assertThat(topology().links())
                .anyMatch(l -> l.a().equals("a") && l.b().equals("b") && l.state().equals("down"))
                .anyMatch(l -> l.a().equals("a") && l.b().equals("c") && l.state().equals("up")));
    }

    @Test
    void shouldPrintTheTopologyAsDotAndMermaid() {
        CliRun dot = CliRun.vanrouter("status", "--router", routerA, "--graph", "dot");
        CliRun mermaid = CliRun.vanrouter("status", "--router", routerA, "--graph", "mermaid");

        assertThat(dot.exitCode()).isZero();
        assertThat(dot.out()).startsWith("graph \"test\" {").contains("\"a\" -- \"c\" [label=\"5\"];")
                .contains("\"c\" [label=\"c\\nsvc\"];").contains("\"a\" [label=\"a\", penwidth=2];").endsWith("}\n");
        assertThat(mermaid.exitCode()).isZero();
        assertThat(mermaid.out()).startsWith("graph LR\n").contains("r0[\"a\"]").contains("r2[\"c<br/>svc\"]")
                .contains("r0 ---|\"5\"| r2").contains("style r0 stroke-width:3px");
    }

    @Test
    void shouldRedrawTheViewOnWatch() {
        CliRun run = CliRun.vanrouter("status", "--router", routerA, "--watch", "0.05", "--count", "3", "links");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().split(StatusCommand.CLEAR_SCREEN.replace("[", "\\["), -1)).hasSize(4);
        assertThat(run.out()).contains("every 50ms from " + routerA).contains("\nLinks\n");
    }

    @Test
    void shouldTakeAViewRightAfterWatchAsTheView() {
        CliRun run = CliRun.vanrouter("status", "--router", routerA, "--count", "1", "--watch", "nodes");
        CliRun bad = CliRun.vanrouter("status", "--router", routerA, "--watch", "-1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("every 2s from " + routerA, "\nRouters\n").doesNotContain("\nLinks\n");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--watch needs a positive number of seconds, got '-1'");
    }

    @Test
    void shouldShowMqttViewWithoutSubscriptions() {
        CliRun run = CliRun.vanrouter("status", "--router", routerA, "mqtt");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("MQTT\n  no subscriptions\n");
    }
}
