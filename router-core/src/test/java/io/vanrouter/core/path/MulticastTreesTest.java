package io.vanrouter.core.path;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.address.MulticastPlanner;
import io.vanrouter.core.linkstate.LinkState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shortest-path trees from any root, as every router computes them for multicast. */
class MulticastTreesTest {

    private static LinkState ls(String id, Map<String, Integer> peers) {
        return new LinkState(id, 1, 1, peers);
    }

    /**
     * Square with a diagonal, all costs 1:
     * <pre>
     *   a --- b
     *   | \   |
     *   d --- c
     * </pre>
     */
    private static MulticastTrees square() {
        return MulticastTrees.of(List.of(ls("a", Map.of("b", 1, "c", 1, "d", 1)), ls("b", Map.of("a", 1, "c", 1)),
                ls("c", Map.of("a", 1, "b", 1, "d", 1)), ls("d", Map.of("a", 1, "c", 1))));
    }

    @Test
    void shouldBreakEqualCostParentsBySmallerRouterId() {
        // from b, d is two hops away via a or via c: a wins
        assertThat(square().tree("b")).isEqualTo(Map.of("a", "b", "c", "b", "d", "a"));
        assertThat(square().tree("d")).isEqualTo(Map.of("a", "d", "c", "d", "b", "a"));
    }

    @Test
    void shouldSendOneCopyPerSubtreeAndNoneUpward() {
        MulticastTrees trees = square();
        Set<String> all = Set.of("a", "b", "c", "d");
        assertThat(new MulticastPlanner("b", 1, trees::tree).nextHops("b", all)).containsExactly("a", "c");
        assertThat(new MulticastPlanner("a", 1, trees::tree).nextHops("b", all)).containsExactly("d");
        assertThat(new MulticastPlanner("c", 1, trees::tree).nextHops("b", all)).isEmpty();
        assertThat(new MulticastPlanner("d", 1, trees::tree).nextHops("b", all)).isEmpty();
    }

    @Test
    void shouldIgnoreOneSidedListingsAndUseTheLargerCost() {
        // a lists b at 1, b lists a at 5; c lists a but a does not list c
        MulticastTrees trees = MulticastTrees.of(List.of(ls("a", Map.of("b", 1)), ls("b", Map.of("a", 5)),
                ls("c", Map.of("a", 1))));
        assertThat(trees.tree("a")).isEqualTo(Map.of("b", "a"));
        assertThat(trees.tree("c")).isEmpty();
        assertThat(trees.tree("unknown")).isEmpty();
    }

    @Test
    void shouldCompareTopologiesIgnoringSequences() {
        MulticastTrees one = MulticastTrees.of(List.of(new LinkState("a", 1, 1, Map.of("b", 1))));
        MulticastTrees two = MulticastTrees.of(List.of(new LinkState("a", 1, 9, Map.of("b", 1))));
        assertThat(one.sameTopology(two)).isTrue();
    }
}
