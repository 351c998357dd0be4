package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three sites with the same private network, as Linux network namespaces (root only; docs/overlapping-networks.md
 * builds the same by hand). Each site has 10.0.0.10 on its loopback and a greeting service on 10.0.0.10:7000 that
 * answers with the site's name. The sites meet only through the "wan" namespace's bridge, on 192.168.100.0/24, where
 * the routers' links run: a and c dial b. Site a offers b's and c's services by VAN address on its own 10.0.0.10.
 *
 * <pre>
 *   vrit-PID-a             vrit-PID-wan          vrit-PID-b             vrit-PID-c
 *   lo 10.0.0.10:7000      br0                   lo 10.0.0.10:7000      lo 10.0.0.10:7000
 *   wan0 192.168.100.1 ---  site-a  site-b  --- wan0 192.168.100.2      wan0 192.168.100.3
 *   router site-a -----------------------------&gt; router site-b &lt;------ router site-c
 *                           site-c -------------------------------------/ (veth to the bridge)
 * </pre>
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(120)
class OverlappingNetworksIT {
    private static final String PRIVATE_IP = "10.0.0.10";
    private static final int SERVICE_PORT = 7000;
    private static final int LINK_PORT = 25671;
    private static final int MANAGEMENT_PORT = 9191;
    /** Site a's listeners: the port a client at a uses for each other site's service. */
    private static final Map<String, Integer> LISTENER_PORT = Map.of("b", 8082, "c", 8083);
    private static final Map<String, String> WAN_IP = Map.of("a", "192.168.100.1", "b", "192.168.100.2",
            "c", "192.168.100.3");
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private TestNetwork network;
    private NetnsSites sites;

    @BeforeEach
    void setUp() throws Exception {
        Optional<String> unavailable = NetnsSites.unavailable(dir);
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElseThrow());
        NetnsSites.removeLeftovers(dir);
        sites = NetnsSites.create(dir);
        for (String site : List.of("a", "b", "c")) {
            sites.addSite(site, WAN_IP.get(site) + "/24");
            sites.addLoopbackAddress(site, PRIVATE_IP + "/32");
            // Greets with the site's name, then echoes until the client ends its side.
            sites.start(site, dir.resolve("service-" + site + ".log"), "socat",
                    "TCP-LISTEN:" + SERVICE_PORT + ",bind=" + PRIVATE_IP + ",reuseaddr,fork",
                    "SYSTEM:echo site-" + site + "; exec cat");
        }
        network = new TestNetwork(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (network != null) {
                network.close();
            }
        } finally {
            if (sites != null) {
                sites.close();
            }
        }
    }

    @Test
    void shouldGiveEverySiteTheSamePrivateAddressWithNoIpRouteBetweenSites() throws Exception {
        for (String site : List.of("a", "b", "c")) {
            // 10.0.0.10:7000 from inside a site is that site's own service.
            await().atMost(CONVERGE).ignoreExceptions()
                    .until(() -> connect(site, PRIVATE_IP, SERVICE_PORT), reply -> reply.startsWith("site-"));
            assertThat(connect(site, PRIVATE_IP, SERVICE_PORT)).isEqualTo("site-" + site + "\nhello from site-"
                    + site + "\n");
            assertThat(sites.ip("-n", sites.name(site), "route", "get", PRIVATE_IP))
                    .startsWith("local " + PRIVATE_IP + " dev lo");
            // The only route out of a site is its WAN subnet: no default route, nothing for 10.0.0.0/24.
            assertThat(sites.ip("-n", sites.name(site), "route", "show").strip())
                    .isEqualTo("192.168.100.0/24 dev wan0 proto kernel scope link src " + WAN_IP.get(site));
            assertThat(sites.runIn(site, "", "ip", "route", "get", "10.0.0.11").output())
                    .contains("Network is unreachable");
        }
        // Nor can the WAN reach any site's private address.
        assertThat(sites.runIn(NetnsSites.WAN, "", "ip", "route", "get", PRIVATE_IP).output())
                .contains("Network is unreachable");
        // The sites do reach each other's WAN addresses (where the links run), but not their private services.
        assertThat(sites.runIn("a", "", "socat", "-T5", "-", "TCP:" + WAN_IP.get("c") + ":" + SERVICE_PORT).output())
                .contains("Connection refused");
    }

    @Test
    void shouldReachSiteCsServiceByAddressAndNotSiteBsIdenticallyAddressedOne() throws Exception {
        RouterProcess a = startRouter("a", List.of("b"), true);
        startRouter("b", List.of(), false);
        startRouter("c", List.of("b"), false);
        await().atMost(CONVERGE).until(() -> a.routeTo("site-c").equals("site-b/2")
                && TcpAdaptorIT.addressRouters(a, "greeting-c").equals(List.of("site-c"))
                && TcpAdaptorIT.addressRouters(a, "greeting-b").equals(List.of("site-b")));

        for (String site : List.of("c", "b")) {
            int port = LISTENER_PORT.get(site);
            // A connection may come before the site's service listens; its stream is then reset (no greeting).
            await().atMost(CONVERGE).ignoreExceptions()
                    .until(() -> connect("a", PRIVATE_IP, port), reply -> reply.startsWith("site-"));
            assertThat(connect("a", PRIVATE_IP, port)).as("greeting-%s from site a", site)
                    .isEqualTo("site-" + site + "\nhello from site-a\n");
        }
        // Meanwhile 10.0.0.10:7000 at site a is still a's own service.
        assertThat(connect("a", PRIVATE_IP, SERVICE_PORT)).isEqualTo("site-a\nhello from site-a\n");
        network.assertNoUnexpectedErrors(null);
    }

    /**
     * Router {@code site-SITE} inside its namespace: links on its WAN address (only b listens), management on the
     * namespace's 127.0.0.1, a connector {@code greeting-SITE} to its own 10.0.0.10:7000, and with {@code listeners}
     * a listener on its 10.0.0.10 for each other site's greeting.
     */
    private RouterProcess startRouter(String site, List<String> peers, boolean listeners) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("router:\n  id: site-").append(site).append("\n  network: overlap\n");
        if (peers.isEmpty()) {
            y.append("listen:\n  - host: ").append(WAN_IP.get(site)).append("\n    port: ").append(LINK_PORT)
                    .append('\n');
        } else {
            y.append("peers:\n");
            for (String peer : peers) {
                y.append("  - host: ").append(WAN_IP.get(peer)).append("\n    port: ").append(LINK_PORT).append('\n');
            }
        }
        y.append("management:\n  host: 127.0.0.1\n  port: ").append(MANAGEMENT_PORT).append('\n');
        y.append("tls:\n  insecure: true\n"); // TLS links are TlsNetworkIT's subject
        y.append("routing:\n  reconnectInitialMillis: 100\n  reconnectMaxMillis: 1000\n");
        y.append("tcp:\n");
        if (listeners) {
            y.append("  listeners:\n");
            LISTENER_PORT.forEach((other, port) -> y.append("    - {address: greeting-").append(other)
                    .append(", host: ").append(PRIVATE_IP).append(", port: ").append(port).append("}\n"));
        }
        y.append("  connectors:\n    - {address: greeting-").append(site).append(", host: ").append(PRIVATE_IP)
                .append(", port: ").append(SERVICE_PORT).append("}\n");
        return network.launchIn(sites.exec(site), "site-" + site, y.toString());
    }

    /** A client inside {@code site}: sends one line to HOST:PORT, ends its side, returns all that came back. */
    private String connect(String site, String host, int port) throws Exception {
        return sites.runIn(site, "hello from site-" + site + "\n", "socat", "-t10", "-T20", "-",
                "TCP:" + host + ":" + port).output();
    }
}
