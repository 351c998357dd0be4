package io.vanrouter.core.path;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.hello.Adjacency;
import io.vanrouter.core.linkstate.LinkState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Shortest paths on hand-drawn topologies (after skupper's router_engine_test PathTest). Self is always R1; its
 * adjacencies are taken from its own record, with link id = the peer's number (R2 -> 2).
 */
class PathEngineTest {
    private final PathEngine engine = new PathEngine();

    /** R1 --1-- R2 --1-- R3 */
    @Test
    void shouldRouteAlongALine() {
        PathResult result = compute(ls("R1", "R2:1"), ls("R2", "R1:1", "R3:1"), ls("R3", "R2:1"));

        assertRoute(result, "R2", "R2", 1, 1);
        assertRoute(result, "R3", "R2", 2, 2);
        assertThat(result.routes().get("R3").linkId()).isEqualTo(2);
        assertThat(result.unreachable()).isEmpty();
    }

    /**
     * <pre>
     *        R2 --4-- R3 --4-- R4
     *         \      /           \
     *          20   3             5
     *           \  /               \
     *            R1 ------10------ R5 --2-- R6 --1-- R7 (no record)
     * </pre>
     */
    @Test
    void shouldRouteTheWeightedSevenNodeGraph() {
        PathResult result = compute(
                ls("R1", "R2:20", "R3:3", "R5:10"),
                ls("R2", "R1:20", "R3:4"),
                ls("R3", "R1:3", "R2:4", "R4:4"),
                ls("R4", "R3:4", "R5:5"),
                ls("R5", "R1:10", "R4:5", "R6:2"),
                ls("R6", "R5:2", "R7:1"));

        assertRoute(result, "R2", "R3", 7, 2);
        assertRoute(result, "R3", "R3", 3, 1);
        assertRoute(result, "R4", "R3", 7, 2);
        assertRoute(result, "R5", "R5", 10, 1);
        assertRoute(result, "R6", "R5", 12, 2);
        assertRoute(result, "R7", "R5", 13, 3);
        assertThat(result.unreachable()).isEmpty();
    }

    /**
     * Configured costs differ per end; the larger one counts.
     * <pre>
     *   R1 --1-- R2 --(R2 says 1, R3 says 4)-- R3
     *    \                                    /
     *     1                                  2
     *      \                                /
     *       R4 ----------------------------+
     * </pre>
     */
    @Test
    void shouldUseTheLargerOfBothEndsCosts() {
        PathResult result = compute(
                ls("R1", "R2:1", "R4:1"),
                ls("R2", "R1:1", "R3:1"),
                ls("R3", "R2:4", "R4:2"),
                ls("R4", "R1:1", "R3:2"));

        assertRoute(result, "R3", "R4", 3, 2);
    }

    /**
     * Two paths of cost 3 to R4; the one through the lower id wins even though R3 is settled first.
     * <pre>
     *   R1 --1-- R3 --2-- R4
     *    \               /
     *     2             1
     *      \           /
     *       R2 -------+
     * </pre>
     */
    @Test
    void shouldBreakEqualCostTiesByLowestNextHopId() {
        PathResult result = compute(
                ls("R1", "R2:2", "R3:1"),
                ls("R2", "R1:2", "R4:1"),
                ls("R3", "R1:1", "R4:2"),
                ls("R4", "R2:1", "R3:2"));

        assertRoute(result, "R4", "R2", 3, 2);
        assertRoute(result, "R3", "R3", 1, 1);
    }

    /**
     * A tie decided two hops away: R6 is at cost 4 via R3-R5 and via R2-R4; the first hop R2 is propagated.
     * <pre>
     *   R1 --1-- R3 --1-- R5 --2-- R6
     *    \                         /
     *     2                       1
     *      \                     /
     *       R2 --1-- R4 --------+
     * </pre>
     */
    @Test
    void shouldCarryTheLowestFirstHopThroughLongerTies() {
        PathResult result = compute(
                ls("R1", "R2:2", "R3:1"),
                ls("R2", "R1:2", "R4:1"),
                ls("R3", "R1:1", "R5:1"),
                ls("R4", "R2:1", "R6:1"),
                ls("R5", "R3:1", "R6:2"),
                ls("R6", "R4:1", "R5:2"));

        assertRoute(result, "R6", "R2", 4, 3);
        assertRoute(result, "R5", "R3", 2, 2);
    }

    /**
     * <pre>
     *   R1 --1-- R2        R3 --1-- R4 --1-- R5 (no record)
     * </pre>
     */
    @Test
    void shouldReportPartitionedRoutersAsUnreachable() {
        PathResult result = compute(
                ls("R1", "R2:1"),
                ls("R2", "R1:1"),
                ls("R3", "R4:1"),
                ls("R4", "R3:1", "R5:1"));

        assertThat(result.routes()).containsOnlyKeys("R2");
        assertThat(result.unreachable()).containsExactlyInAnyOrder("R3", "R4", "R5");
    }

    /**
     * R3 has sent no record yet; R2 lists it, which is enough to reach it (but not beyond it).
     * <pre>
     *   R1 --1-- R2 --5-- R3 (no record)
     * </pre>
     */
    @Test
    void shouldReachARouterWithNoLinkStateYet() {
        PathResult result = compute(ls("R1", "R2:1"), ls("R2", "R1:1", "R3:5"));

        assertRoute(result, "R3", "R2", 6, 2);
    }

    /**
     * A neighbour whose record has not arrived is reachable from our own two-way adjacency alone.
     * <pre>
     *   R1 --3-- R2 (no record)
     * </pre>
     */
    @Test
    void shouldReachANeighbourFromAdjacencyAlone() {
        PathResult result = compute(ls("R1", "R2:3"));

        assertRoute(result, "R2", "R2", 3, 1);
    }

    /**
     * R2 lists R3 but R3's record does not list R2 (one-way): the edge is unusable, R3 only via R4.
     * <pre>
     *   R1 --1-- R2 ---->  R3
     *    \                 /
     *     1               9
     *      \             /
     *       R4 ---------+
     * </pre>
     */
    @Test
    void shouldIgnoreOneWayListingWhenBothRecordsExist() {
        PathResult result = compute(
                ls("R1", "R2:1", "R4:1"),
                ls("R2", "R1:1", "R3:1"),
                ls("R3", "R4:9"),
                ls("R4", "R1:1", "R3:9"));

        assertRoute(result, "R3", "R4", 10, 2);
    }

    /** R2 lists R3 one-way and there is no other path: R3 is known but unreachable. */
    @Test
    void shouldReportOneWayOnlyRouterAsUnreachable() {
        PathResult result = compute(ls("R1", "R2:1"), ls("R2", "R1:1", "R3:1"), ls("R3"));

        assertThat(result.routes()).containsOnlyKeys("R2");
        assertThat(result.unreachable()).containsExactly("R3");
    }

    /** Another router's stale record for R1 must not add edges out of R1. */
    @Test
    void shouldIgnoreSelfRecordInDatabase() {
        PathResult result = engine.compute("R1", adjacencies(ls("R1", "R2:1")),
                List.of(ls("R1", "R3:1"), ls("R2", "R1:1"), ls("R3", "R1:1")));

        assertThat(result.routes()).containsOnlyKeys("R2");
        assertThat(result.unreachable()).containsExactly("R3");
    }

    private PathResult compute(LinkState... records) {
        return engine.compute("R1", adjacencies(records[0]), List.of(records));
    }

    private static Map<String, Adjacency> adjacencies(LinkState self) {
        Map<String, Adjacency> result = new TreeMap<>();
        self.peers().forEach((peer, cost) -> result.put(peer,
                new Adjacency(peer, Long.parseLong(peer.substring(1)), cost)));
        return result;
    }

    /** {@code ls("R2", "R1:20", "R3:4")}: R2's record listing R1 at cost 20 and R3 at cost 4. */
    static LinkState ls(String id, String... peers) {
        Map<String, Integer> map = new TreeMap<>();
        for (String peer : peers) {
            String[] parts = peer.split(":");
            map.put(parts[0], Integer.parseInt(parts[1]));
        }
        return new LinkState(id, 1, 1, map);
    }

    private static void assertRoute(PathResult result, String destination, String nextHop, long cost, int hops) {
        Route route = result.routes().get(destination);
        assertThat(route).as("route to %s in %s", destination, result.routes()).isNotNull();
        assertThat(route.nextHop()).as("next hop to %s", destination).isEqualTo(nextHop);
        assertThat(route.cost()).as("cost to %s", destination).isEqualTo(cost);
        assertThat(route.hops()).as("hops to %s", destination).isEqualTo(hops);
    }
}
