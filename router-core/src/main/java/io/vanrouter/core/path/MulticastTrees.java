package io.vanrouter.core.path;

import io.vanrouter.core.linkstate.LinkState;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network's topology as of one routing generation (router id to listed peers and costs, from the link-state
 * records) and the shortest-path tree rooted at any router, computed lazily with {@link PathEngine#tree} and cached.
 * Every router holding the same records computes the same trees, which is what multicast forwarding relies on.
 *
 * <p>Immutable (the cache only memoises); any thread.
 */
public final class MulticastTrees {
    private static final MulticastTrees EMPTY = new MulticastTrees(Map.of());

    private final Map<String, Map<String, Integer>> topology;
    private final Map<String, Map<String, String>> trees = new ConcurrentHashMap<>();

    private MulticastTrees(Map<String, Map<String, Integer>> topology) {
        this.topology = topology;
    }

    public static MulticastTrees empty() {
        return EMPTY;
    }

    /** A snapshot of the records' peer lists (the records' sequences and ages do not matter for trees). */
    public static MulticastTrees of(Collection<LinkState> records) {
        Map<String, Map<String, Integer>> topology = new TreeMap<>();
        for (LinkState record : records) {
            topology.put(record.routerId(), record.peers());
        }
        return new MulticastTrees(Collections.unmodifiableMap(topology));
    }

    /** Router id to the peers (and costs) its record lists. */
    public Map<String, Map<String, Integer>> topology() {
        return topology;
    }

    /** Child to parent of the shortest-path tree rooted at {@code root}; empty if the root is unknown. */
    public Map<String, String> tree(String root) {
        Map<String, String> tree = trees.get(root);
        if (tree == null) {
            tree = topology.containsKey(root) ? PathEngine.tree(root, topology) : Map.of();
            trees.putIfAbsent(root, tree);
        }
        return tree;
    }

    /** Same topology (ignoring sequences), or neither has any edge: the trees would not change. */
    public boolean sameTopology(MulticastTrees other) {
        return topology.equals(other.topology) || !hasEdges() && !other.hasEdges();
    }

    private boolean hasEdges() {
        return topology.values().stream().anyMatch(peers -> !peers.isEmpty());
    }

    @Override
    public String toString() {
        return "MulticastTrees" + new HashMap<>(topology);
    }
}
