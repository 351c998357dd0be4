package io.vanrouter.core.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MulticastPlannerTest {

    //   A ---1--- B
    //   |  \      |        square A-B-C-D with diagonal A-C (cost 1 everywhere)
    //   1    1    1
    //   |      \  |
    //   D ---1--- C
    private final TestTrees square = new TestTrees().link("A", "B", 1).link("B", "C", 1).link("C", "D", 1)
            .link("D", "A", 1).link("A", "C", 1);

    @Test
    void shouldSendOneCopyPerTreeChildWithDestinationsBelow() {
        MulticastPlanner atA = new MulticastPlanner("A", 1, square::treeOf);

        assertThat(atA.nextHops("A", Set.of("B", "C", "D"))).containsExactly("B", "C", "D");
        assertThat(atA.nextHops("A", Set.of("C"))).containsExactly("C");
        assertThat(atA.nextHops("A", Set.of("A"))).isEmpty();
    }

    @Test
    void shouldForwardOnlyDownTheIngressTree() {
        // B's tree: B-A, B-C; D under A (tie A/C broken by id). At C nothing is below C.
        MulticastPlanner atA = new MulticastPlanner("A", 1, square::treeOf);
        MulticastPlanner atC = new MulticastPlanner("C", 1, square::treeOf);

        assertThat(atA.nextHops("B", Set.of("C", "D"))).containsExactly("D");
        assertThat(atC.nextHops("B", Set.of("A", "D"))).isEmpty();
    }

    @Test
    void shouldDeliverExactlyOneCopyOnSquareWithDiagonal() {
        for (String ingress : List.of("A", "B", "C", "D")) {
            assertDeliveredOnce(square, ingress, Set.of("A", "B", "C", "D"));
            assertDeliveredOnce(square, ingress, Set.of("C"));
        }
    }

    @Test
    void shouldDeliverExactlyOneCopyOnRandomGraphs() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int size = 2 + random.nextInt(12);
            TestTrees trees = randomConnectedGraph(random, size);
            List<String> routers = new ArrayList<>(trees.graph().keySet());
            String ingress = routers.get(random.nextInt(routers.size()));
            Set<String> destinations = new HashSet<>();
            routers.stream().filter(r -> random.nextInt(3) == 0).forEach(destinations::add);
            assertDeliveredOnce(trees, ingress, destinations);
        }
    }

    @Test
    void shouldComputeEachIngressTreeOncePerPlanner() {
        AtomicInteger calls = new AtomicInteger();
        MulticastPlanner planner = new MulticastPlanner("A", 3, root -> {
            calls.incrementAndGet();
            return square.treeOf(root);
        });

        planner.nextHops("B", Set.of("D"));
        planner.nextHops("B", Set.of("C"));
        planner.nextHops("C", Set.of("D"));

        assertThat(calls).hasValue(2);
        assertThat(planner.treeGeneration()).isEqualTo(3);
    }

    @Test
    void shouldAnswerRepeatedQuestionsWithTheSameSetAndChangedOnesAfresh() {
        MulticastPlanner atA = new MulticastPlanner("A", 1, square::treeOf);
        Set<String> destinations = new HashSet<>(Set.of("B", "D"));

        Set<String> first = atA.nextHops("A", destinations);
        assertThat(atA.nextHops("A", Set.of("D", "B"))).isSameAs(first).containsExactly("B", "D");

        destinations.add("C"); // the caller's set changed after the call: the planner kept a copy
        assertThat(atA.nextHops("A", destinations)).containsExactly("B", "C", "D");
        assertThat(atA.nextHops("A", Set.of("B", "D"))).containsExactly("B", "D");
        // Same size, other members; and a list repeating a router is never taken for a remembered set.
        assertThat(atA.nextHops("A", Set.of("B", "C"))).containsExactly("B", "C");
        assertThat(atA.nextHops("A", List.of("B", "B"))).containsExactly("B");
        assertThat(atA.nextHops("B", Set.of("B", "C"))).isEmpty(); // per ingress
        assertThat(atA.nextHops("A", Set.of("B", "C"))).containsExactly("B", "C");
    }

    @Test
    void shouldIgnoreDestinationsOutsideTheTree() {
        MulticastPlanner planner = new MulticastPlanner("A", 1, root -> Map.of());

        assertThat(planner.nextHops("A", Set.of("B", "Z"))).isEmpty();
    }

    /**
     * Simulates delivery hop by hop, every router planning with its own planner, and checks that each destination
     * gets exactly one copy and that copies travel only over links of the ingress tree's paths to destinations.
     */
    private static void assertDeliveredOnce(TestTrees trees, String ingress, Set<String> destinations) {
        Map<String, MulticastPlanner> planners = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        ArrayDeque<String> inTransit = new ArrayDeque<>();
        inTransit.add(ingress);
        int hops = 0;
        while (!inTransit.isEmpty()) {
            String at = inTransit.poll();
            copies.merge(at, 1, Integer::sum);
            MulticastPlanner planner = planners.computeIfAbsent(at, r -> new MulticastPlanner(r, 1, trees::treeOf));
            for (String next : planner.nextHops(ingress, destinations)) {
                assertThat(trees.adjacent(at, next)).as("%s -> %s is a link", at, next).isTrue();
                inTransit.add(next);
                hops++;
            }
            assertThat(hops).as("no loop").isLessThan(10_000);
        }
        Map<String, String> tree = trees.treeOf(ingress);
        Set<String> onPaths = new HashSet<>(Set.of(ingress));
        for (String destination : destinations) {
            for (String r = destination; r != null && onPaths.add(r); r = tree.get(r)) {
                // every router on the tree path from ingress to a destination carries a copy
            }
        }
        assertThat(copies.keySet()).as("ingress %s to %s", ingress, destinations).isEqualTo(onPaths);
        assertThat(copies.values()).as("one copy each").allMatch(n -> n == 1);
    }

    private static TestTrees randomConnectedGraph(Random random, int size) {
        TestTrees trees = new TestTrees();
        for (int i = 1; i < size; i++) {
            trees.link("R" + random.nextInt(i), "R" + i, 1 + random.nextInt(3));
        }
        int extra = random.nextInt(size * 2);
        for (int i = 0; i < extra; i++) {
            int a = random.nextInt(size);
            int b = random.nextInt(size);
            if (a != b) {
                trees.link("R" + a, "R" + b, 1 + random.nextInt(3));
            }
        }
        return trees;
    }
}
