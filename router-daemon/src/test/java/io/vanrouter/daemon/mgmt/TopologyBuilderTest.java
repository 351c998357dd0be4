package io.vanrouter.daemon.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.path.MulticastTrees;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Router a's view of
 * <pre>
 *   a --1-- b --2/3-- c      (b advertises cost 2 to c, c cost 3 to b)
 *   a ...... x               (a dials x, which is down: no link)
 *   c ...... d               (d's old record still lists c; c no longer lists d; d unreachable)
 * </pre>
 */
class TopologyBuilderTest {

    private final RoutingTable table = new RoutingTable("a", 4,
            Map.of("b", new Route("b", "b", 1, 1, 1), "c", new Route("c", "b", 1, 3, 2)), Set.of("d"),
            MulticastTrees.of(List.of(
                    new LinkState("a", 1, 1, Map.of("b", 1)),
                    new LinkState("b", 1, 1, Map.of("a", 1, "c", 2)),
                    new LinkState("c", 1, 1, Map.of("b", 3)),
                    new LinkState("d", 1, 1, Map.of("c", 1)))));

    private final StatusReport status = new StatusReport("a", "net", "interior", 1, "v", 0,
            List.of(new StatusReport.Node("b", "b", 1, 1, true, 1, 1, 0),
                    new StatusReport.Node("c", "b", 3, 2, true, 1, 1, 0),
                    new StatusReport.Node("d", null, -1, 0, false, 1, 1, 0)),
            List.of(new StatusReport.Link(1, "b", "up", 1, 0, "out", "127.0.0.1:1", 0, 0, null),
                    new StatusReport.Link(-1, "x", "backoff", 4, 0, "out", "127.0.0.1:2", 0, -1, "refused")),
            List.of(new StatusReport.Address("svc", "balanced", 0, List.of("c"))));

    @Test
    void shouldListEveryAdvertisedLinkWithBothCostsAndItsState() {
        TopologyReport report = TopologyBuilder.build(table, 9, status);

        assertThat(report.links()).containsExactly(
                new TopologyReport.Link("a", "b", 1, 1, "up"),
                new TopologyReport.Link("b", "c", 2, 3, "up"),
                new TopologyReport.Link("c", "d", -1, 1, "down"),
                new TopologyReport.Link("a", "x", 4, -1, "down"));
        assertThat(report.generation()).isEqualTo(9);
    }

    @Test
    void shouldListRoutersWithPathsAndAddresses() {
        TopologyReport report = TopologyBuilder.build(table, 9, status);

        assertThat(report.routers()).containsExactly(
                new TopologyReport.Router("a", true, true, 0, List.of("a"), List.of()),
                new TopologyReport.Router("b", false, true, 1, List.of("a", "b"), List.of()),
                new TopologyReport.Router("c", false, true, 3, List.of("a", "b", "c"), List.of("svc")),
                new TopologyReport.Router("d", false, false, -1, List.of(), List.of()));
    }

    @Test
    void shouldCallALinkOneWayWhenOnlyOneSideListsIt() {
        RoutingTable halfLinked = new RoutingTable("a", 1, Map.of("b", new Route("b", "b", 1, 1, 1)), Set.of(),
                MulticastTrees.of(List.of(new LinkState("a", 1, 1, Map.of("b", 1)),
                        new LinkState("b", 1, 1, Map.of()))));

        assertThat(TopologyBuilder.build(halfLinked, 1, status).links())
                .contains(new TopologyReport.Link("a", "b", 1, -1, "one-way"));
    }

    @Test
    void shouldDrawDownLinksDashedInDot() {
        String dot = TopologyGraph.dot(TopologyBuilder.build(table, 9, status));

        assertThat(dot).contains("\"b\" -- \"c\" [label=\"2/3\"];")
                .contains("\"c\" -- \"d\" [label=\"1 down\", style=dashed, color=red];")
                .contains("\"d\" [label=\"d (unreachable)\", color=grey, fontcolor=grey];");
    }
}
