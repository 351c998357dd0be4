package io.vanrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.status.RouterView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover of a 4-router ring as links are cut one by one, seen from A.
 * <pre>
 *   A --1-- B
 *   |       |
 *   3       2
 *   |       |
 *   D --1-- C
 * </pre>
 */
class RingFailoverTest {
    private final TestNetwork net = new TestNetwork();

    @BeforeEach
    void buildRing() {
        for (String id : new String[] {"A", "B", "C", "D"}) {
            net.add(id);
        }
        net.connect("A", "B", 1);
        net.connect("B", "C", 2);
        net.connect("C", "D", 1);
        net.connect("D", "A", 3);
        net.run(3_000);
    }

    @Test
    void shouldRerouteWhenALinkCostChangesWithoutTheLinkGoingDown() {
        long delivered = net.delivered();
        net.recost("A", "B", 10);
        net.run(500);
        assertRoute("A", "B", "D", 6); // A-D-C-B: 3 + 1 + 2
        assertRoute("B", "A", "C", 6);
        assertRoute("A", "C", "D", 4);
        assertThat(net.delivered()).as("link state flooded").isGreaterThan(delivered);

        net.recost("A", "B", 1);
        net.run(500);
        assertRoute("A", "B", "B", 1);
        assertRoute("A", "C", "B", 3);
    }

    @Test
    void shouldRerouteAsRingLinksAreCutOneByOne() {
        assertRoute("A", "B", "B", 1);
        assertRoute("A", "C", "B", 3);
        assertRoute("A", "D", "D", 3);

        net.cut("A", "B");
        net.run(500);
        assertRoute("A", "B", "D", 6);
        assertRoute("A", "C", "D", 4);
        assertRoute("A", "D", "D", 3);
        assertRoute("B", "A", "C", 6);

        net.cut("C", "D");
        net.run(500);
        assertRoute("A", "D", "D", 3);
        assertThat(table("A").routes()).containsOnlyKeys("D");
        assertThat(table("A").unreachable()).containsExactly("B", "C");
        assertRoute("B", "C", "C", 2);
        assertThat(table("B").unreachable()).containsExactly("A", "D");

        net.cut("D", "A");
        net.run(500);
        assertThat(table("A").routes()).isEmpty();
        assertThat(table("A").unreachable()).containsExactly("B", "C", "D");
    }

    @Test
    void shouldRerouteWhenANeighbourGoesSilent() {
        net.silence("A", "B"); // link stays up but carries nothing, like a frozen peer
        net.run(2_000);
        assertRoute("A", "B", "B", 1);

        net.run(1_500); // past the 3 s dead interval: A closes the link and goes round via D
        assertRoute("A", "B", "D", 6);
        assertRoute("A", "C", "D", 4);
    }

    @Test
    void shouldKeepTablesStableWhenNothingChanges() {
        long generation = table("A").generation();
        net.run(30_000);
        assertThat(table("A").generation()).isEqualTo(generation);
    }

    @Test
    void shouldShowHowLongAgoEachRouteAndTheNeighboursChanged() {
        net.cut("D", "A");
        net.run(500);
        assertRoute("A", "D", "B", 4); // was direct, cost 3

        RouterView a = net.router("A").view();
        assertThat(routeAge(a, "D")).isBetween(0L, 500L);
        assertThat(routeAge(a, "B")).isGreaterThanOrEqualTo(2_500L); // direct all along
        assertThat(a.neighboursAgeMillis()).isBetween(0L, 500L);
        RouterView b = net.router("B").view();
        assertThat(routeAge(b, "C")).isGreaterThanOrEqualTo(2_500L);
        assertThat(b.neighboursAgeMillis()).isGreaterThanOrEqualTo(2_500L); // B's own links never changed
    }

    private static long routeAge(RouterView view, String node) {
        return view.nodes().stream().filter(n -> n.routerId().equals(node)).findFirst().orElseThrow()
                .routeAgeMillis();
    }

    private RoutingTable table(String router) {
        return net.router(router).routingTable();
    }

    private void assertRoute(String at, String destination, String nextHop, long cost) {
        Route route = table(at).routes().get(destination);
        assertThat(route).as("%s: route to %s in %s", at, destination, table(at)).isNotNull();
        assertThat(route.nextHop()).as("%s: next hop to %s", at, destination).isEqualTo(nextHop);
        assertThat(route.cost()).as("%s: cost to %s", at, destination).isEqualTo(cost);
    }
}
