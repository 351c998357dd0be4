package io.vanrouter.core.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vanrouter.core.address.AnycastSelector.Choice;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnycastSelectorTest {

    //   R-a --1-- R-b --1-- R-c          R-d: cost 1 via its own link, R-e: unreachable
    private final RoutingTable routes = new RoutingTable("R-a", 1, Map.of(
            "R-b", new Route("R-b", "R-b", 1, 1, 1),
            "R-c", new Route("R-c", "R-b", 1, 2, 2),
            "R-d", new Route("R-d", "R-d", 2, 1, 1)), Set.of("R-e"));

    private Map<String, Integer> pickMany(Distribution distribution, List<String> local, List<String> remote,
                                          int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            Choice choice = AnycastSelector.select(distribution, local, remote, routes, id -> 0, i).orElseThrow();
            counts.merge(choice.id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void shouldPreferLocalConsumerForClosest() {
        Choice choice = AnycastSelector.select(Distribution.CLOSEST, List.of("client-1"), List.of("R-b"), routes,
                id -> 100, 0).orElseThrow();

        assertThat(choice).isEqualTo(new Choice("client-1", true));
    }

    @Test
    void shouldPickLeastCostAndRoundRobinAmongEqualsForClosest() {
        Map<String, Integer> counts = pickMany(Distribution.CLOSEST, List.of(), List.of("R-c", "R-d", "R-b"), 100);

        assertThat(counts).containsOnlyKeys("R-b", "R-d").containsEntry("R-b", 50).containsEntry("R-d", 50);
    }

    @Test
    void shouldSkipUnreachableRouters() {
        assertThat(AnycastSelector.select(Distribution.CLOSEST, List.of(), List.of("R-e"), routes, id -> 0, 0))
                .isEmpty();
        assertThat(AnycastSelector.select(Distribution.BALANCED, List.of(), List.of("R-e", "R-c"), routes, id -> 0, 0)
                .orElseThrow().id()).isEqualTo("R-c");
    }

    @Test
    void shouldSplitEvenlyAmongThreeEqualDestinationsForBalanced() {
        Map<String, Integer> counts = pickMany(Distribution.BALANCED, List.of(), List.of("R-b", "R-d", "R-x"), 3000);
        Map<String, Integer> withLocal = pickMany(Distribution.BALANCED, List.of("c1", "c2", "c3"), List.of(), 3000);

        assertThat(counts).containsOnlyKeys("R-b", "R-d").containsEntry("R-b", 1500).containsEntry("R-d", 1500);
        assertThat(withLocal).containsEntry("c1", 1000).containsEntry("c2", 1000).containsEntry("c3", 1000);
    }

    @Test
    void shouldGiveLessToDestinationWithManyInFlightForBalanced() {
        // Three local consumers; c3 settles one delivery every 10 picks, the others settle at once.
        Map<String, Long> inFlight = new HashMap<>(Map.of("c1", 0L, "c2", 0L, "c3", 0L));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            Choice choice = AnycastSelector.select(Distribution.BALANCED, List.of("c1", "c2", "c3"), List.of(), routes,
                    inFlight::get, i).orElseThrow();
            counts.merge(choice.id(), 1, Integer::sum);
            inFlight.merge(choice.id(), 1L, Long::sum);
            inFlight.put("c1", 0L);
            inFlight.put("c2", 0L);
            if (i % 10 == 0 && inFlight.get("c3") > 0) {
                inFlight.merge("c3", -1L, Long::sum);
            }
        }
        assertThat(counts.get("c3")).isLessThan(3000 / 10 + 10);
        assertThat(counts.get("c1")).isBetween(1300, 1400);
        assertThat(counts.get("c2")).isBetween(1300, 1400);
    }

    @Test
    void shouldWeighPathCostAgainstInFlightForBalanced() {
        Map<String, Long> inFlight = Map.of("local", 2L, "R-b", 0L, "R-c", 0L);

        Choice choice = AnycastSelector.select(Distribution.BALANCED, List.of("local"), List.of("R-b", "R-c"), routes,
                inFlight::get, 0).orElseThrow();

        assertThat(choice).isEqualTo(new Choice("R-b", false));
    }

    @Test
    void shouldSplitByCostLikeSkupperWhenConsumersNeverSettle() {
        // Local, R-b (cost 1) and R-c (cost 2), 100 unsettled deliveries: each pick raises the winner's value by one.
        Map<String, Long> inFlight = new HashMap<>(Map.of("local", 0L, "R-b", 0L, "R-c", 0L));
        for (int i = 0; i < 99; i++) {
            Choice choice = AnycastSelector.select(Distribution.BALANCED, List.of("local"), List.of("R-b", "R-c"),
                    routes, inFlight::get, i).orElseThrow();
            inFlight.merge(choice.id(), 1L, Long::sum);
        }
        assertThat(inFlight).containsEntry("local", 34L).containsEntry("R-b", 33L).containsEntry("R-c", 32L);
    }

    @Test
    void shouldRejectMulticast() {
        assertThatThrownBy(() -> AnycastSelector.select(Distribution.MULTICAST, List.of(), List.of(), routes,
                id -> 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
