package io.vanrouter.core.address;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/** Test-only shortest-path trees over an undirected weighted graph (Dijkstra, ties broken by router id). */
final class TestTrees {
    private final Map<String, Map<String, Integer>> graph = new TreeMap<>();

    TestTrees link(String a, String b, int cost) {
        graph.computeIfAbsent(a, k -> new TreeMap<>()).put(b, cost);
        graph.computeIfAbsent(b, k -> new TreeMap<>()).put(a, cost);
        return this;
    }

    Map<String, Map<String, Integer>> graph() {
        return graph;
    }

    boolean adjacent(String a, String b) {
        return graph.getOrDefault(a, Map.of()).containsKey(b);
    }

    /** Child to parent map of the shortest-path tree rooted at {@code root}. */
    Map<String, String> treeOf(String root) {
        Map<String, Long> dist = new HashMap<>();
        Map<String, String> parent = new HashMap<>();
        record Item(long dist, String node) { }
        PriorityQueue<Item> queue = new PriorityQueue<>((x, y) -> x.dist != y.dist ? Long.compare(x.dist, y.dist)
                : x.node.compareTo(y.node));
        dist.put(root, 0L);
        queue.add(new Item(0, root));
        while (!queue.isEmpty()) {
            Item item = queue.poll();
            if (item.dist > dist.get(item.node)) {
                continue;
            }
            for (Map.Entry<String, Integer> edge : graph.getOrDefault(item.node, Map.of()).entrySet()) {
                long candidate = item.dist + edge.getValue();
                Long known = dist.get(edge.getKey());
                boolean better = known == null || candidate < known
                        || (candidate == known && item.node.compareTo(parent.get(edge.getKey())) < 0);
                if (better && !edge.getKey().equals(root)) {
                    dist.put(edge.getKey(), candidate);
                    parent.put(edge.getKey(), item.node);
                    queue.add(new Item(candidate, edge.getKey()));
                }
            }
        }
        return Map.copyOf(parent);
    }
}
