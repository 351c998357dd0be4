package io.vanrouter.core.address;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Plans multicast fan-out at router {@code self}: a message that entered the network at ingress router I follows I's
 * shortest-path tree, so at {@code self} it goes to each child of {@code self} in I's tree whose subtree holds a
 * destination router. Every destination receives exactly one copy and no copy loops, whatever redundant paths exist.
 *
 * <p>Built for one tree generation from {@code treeOf(root)}: an immutable map child to parent of the shortest-path
 * tree rooted at {@code root} (the root has no entry), as the path engine computes it. Per-ingress results are cached
 * for the life of this planner; build a new planner when the trees change. Any thread (the cache is concurrent).
 */
public final class MulticastPlanner {

    private final String self;
    private final long treeGeneration;
    private final Function<String, Map<String, String>> treeOf;
    private final Map<String, Map<String, String>> branchesByIngress = new ConcurrentHashMap<>();
    /** The last answer per ingress: a topic's messages ask the same question over and over. */
    private final Map<String, Answer> lastByIngress = new ConcurrentHashMap<>();

    private record Answer(Set<String> destinations, Set<String> hops) {
    }

    public MulticastPlanner(String self, long treeGeneration, Function<String, Map<String, String>> treeOf) {
        this.self = Objects.requireNonNull(self, "self");
        this.treeGeneration = treeGeneration;
        this.treeOf = Objects.requireNonNull(treeOf, "treeOf");
    }

    public String self() {
        return self;
    }

    public long treeGeneration() {
        return treeGeneration;
    }

    /**
     * The neighbours {@code self} must send one copy to, for a message from {@code ingress} to
     * {@code destinations} (routers with consumers). {@code self} itself (local delivery) and routers not below
     * {@code self} in the ingress tree are never in the result. Unmodifiable, in name order; the same set is
     * returned again while the destinations stay the same (no allocation per message).
     */
    public Set<String> nextHops(String ingress, Collection<String> destinations) {
        Answer last = lastByIngress.get(ingress);
        // Only a set can be compared by size and containment (a list may repeat a router).
        boolean comparable = destinations instanceof Set<String>;
        if (comparable && last != null && last.destinations().size() == destinations.size()
                && last.destinations().containsAll(destinations)) {
            return last.hops();
        }
        Map<String, String> branches = branchesByIngress.computeIfAbsent(ingress, this::branchesOf);
        Set<String> hops = new TreeSet<>();
        for (String destination : destinations) {
            String branch = branches.get(destination);
            if (branch != null) {
                hops.add(branch);
            }
        }
        Set<String> answer = Collections.unmodifiableSet(hops);
        if (comparable) { // a copy: the caller's set may change after this call
            lastByIngress.put(ingress, new Answer(Set.copyOf(destinations), answer));
        }
        return answer;
    }

    /** For each router below {@code self} in the ingress tree: the child of {@code self} it lies under. */
    private Map<String, String> branchesOf(String ingress) {
        Map<String, String> parents = treeOf.apply(ingress);
        Map<String, String> branches = new HashMap<>();
        if (parents == null) {
            return branches;
        }
        Map<String, Boolean> done = new HashMap<>();
        for (String node : parents.keySet()) {
            resolve(node, parents, branches, done);
        }
        return Map.copyOf(branches);
    }

    /** Walks up from {@code node} to the first resolved ancestor (or the root), then fills in the path below it. */
    private void resolve(String node, Map<String, String> parents, Map<String, String> branches,
                         Map<String, Boolean> done) {
        ArrayDeque<String> path = new ArrayDeque<>();
        String current = node;
        String branch = null;
        while (current != null && !done.containsKey(current)) {
            String parent = parents.get(current);
            if (self.equals(parent)) {
                branch = current;
                done.put(current, Boolean.TRUE);
                branches.put(current, current);
                break;
            }
            path.push(current);
            if (path.size() > parents.size() + 1) {
                throw new IllegalStateException("shortest-path tree has a cycle at " + current);
            }
            current = parent;
        }
        if (branch == null && current != null) {
            branch = branches.get(current);
        }
        while (!path.isEmpty()) {
            String below = path.pop();
            done.put(below, Boolean.TRUE);
            if (branch != null) {
                branches.put(below, branch);
            }
        }
    }
}
