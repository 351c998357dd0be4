package io.vanrouter.core.path;

import io.vanrouter.core.hello.Adjacency;
import io.vanrouter.core.linkstate.LinkState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Shortest paths from one router over the link-state database (Dijkstra on a binary heap, O(E log V)).
 *
 * <p>Graph rules:
 * <ul>
 *   <li>Edges out of self are our own two-way adjacencies, at the agreed link cost.</li>
 *   <li>An edge U-V (U not self) is usable when U's record lists V and either V's record lists U or V has no record
 *       yet (so a new router is reachable before its record arrives). Its cost is the larger of the costs the two
 *       ends list.</li>
 * </ul>
 *
 * <p>Next-hop rule: the next hop to D is the neighbour N minimising (cost(self, N) + dist(N, D), then N's router
 * id). Each node carries its first hop as a label; on equal cost the smaller first-hop id wins (then fewer hops).
 * This is exact because every predecessor on a shortest path is settled before its successor (costs are at least 1).
 *
 * <p>Stateless and pure; safe to call from any thread. Records must be well formed (checked on receipt).
 */
public final class PathEngine {

    /** Computes routes from {@code selfId}; a record for {@code selfId} in {@code records} is ignored. */
    public PathResult compute(String selfId, Map<String, Adjacency> adjacencies, Collection<LinkState> records) {
        Listings listings = new Listings(records.size() * 5 + adjacencies.size() + 16);
        int self = listings.intern(selfId);
        for (Adjacency adjacency : adjacencies.values()) {
            listings.add(self, listings.intern(adjacency.peerId()), adjacency.cost());
        }
        for (LinkState record : records) {
            if (record.routerId().equals(selfId)) {
                continue;
            }
            int u = listings.intern(record.routerId());
            listings.markRecord(u);
            for (Map.Entry<String, Integer> peer : record.peers().entrySet()) {
                listings.add(u, listings.intern(peer.getKey()), peer.getValue());
            }
        }
        // Renumber routers in id order, so comparing indexes compares ids (the tie rule).
        String[] ids = listings.names.toArray(new String[0]);
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> ids[a].compareTo(ids[b]));
        int[] rank = new int[ids.length];
        String[] sorted = new String[ids.length];
        for (int i = 0; i < order.length; i++) {
            rank[order[i]] = i;
            sorted[i] = ids[order[i]];
        }
        Graph graph = buildGraph(listings, rank, rank[self]);
        return dijkstra(sorted, rank[self], graph, adjacencies);
    }

    /** Every (router, listed peer, cost) triple, on primitive arrays; routers interned to provisional indexes. */
    private static final class Listings {
        final Map<String, Integer> index = new HashMap<>();
        final List<String> names = new ArrayList<>();
        boolean[] hasRecord = new boolean[64];
        int[] from;
        int[] to;
        int[] cost;
        int size;

        Listings(int capacity) {
            from = new int[capacity];
            to = new int[capacity];
            cost = new int[capacity];
        }

        int intern(String id) {
            Integer known = index.get(id);
            if (known != null) {
                return known;
            }
            int i = names.size();
            index.put(id, i);
            names.add(id);
            return i;
        }

        void markRecord(int u) {
            if (u >= hasRecord.length) {
                hasRecord = Arrays.copyOf(hasRecord, Math.max(u + 1, hasRecord.length * 2));
            }
            hasRecord[u] = true;
        }

        boolean hasRecord(int u) {
            return u < hasRecord.length && hasRecord[u];
        }

        void add(int u, int v, int c) {
            if (size == from.length) {
                from = Arrays.copyOf(from, size * 2);
                to = Arrays.copyOf(to, size * 2);
                cost = Arrays.copyOf(cost, size * 2);
            }
            from[size] = u;
            to[size] = v;
            cost[size++] = c;
        }
    }

    /**
     * Compressed adjacency lists: the listings of node u are targets/costs[start[u] .. start[u + 1]), sorted by
     * target; a cost of -1 marks a listing that is not a usable edge.
     */
    private record Graph(int[] start, int[] targets, int[] costs) {
    }

    private static Graph buildGraph(Listings listings, int[] rank, int self) {
        int nodeCount = rank.length;
        int[] start = new int[nodeCount + 1];
        for (int e = 0; e < listings.size; e++) {
            start[rank[listings.from[e]] + 1]++;
        }
        for (int i = 0; i < nodeCount; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = Arrays.copyOf(start, nodeCount);
        int[] targets = new int[listings.size];
        int[] costs = new int[listings.size];
        boolean[] hasRecord = new boolean[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            hasRecord[rank[i]] = listings.hasRecord(i);
        }
        for (int e = 0; e < listings.size; e++) {
            int slot = fill[rank[listings.from[e]]]++;
            targets[slot] = rank[listings.to[e]];
            costs[slot] = listings.cost[e];
        }
        for (int u = 0; u < nodeCount; u++) {
            sortSegment(targets, costs, start[u], start[u + 1]);
        }
        // Usable edge U-V (U not self): V lists U too, or V has no record; cost = larger of both listings.
        int[] usable = new int[costs.length];
        for (int u = 0; u < nodeCount; u++) {
            for (int e = start[u]; e < start[u + 1]; e++) {
                int v = targets[e];
                if (u == self) {
                    usable[e] = costs[e];
                } else if (v == self) {
                    usable[e] = -1; // never relax into self
                } else if (!hasRecord[v]) {
                    usable[e] = costs[e];
                } else {
                    int back = Arrays.binarySearch(targets, start[v], start[v + 1], u);
                    usable[e] = back < 0 ? -1 : Math.max(costs[e], costs[back]);
                }
            }
        }
        return new Graph(start, targets, usable);
    }

    /** Sorts targets[from..to) ascending, moving costs along: insertion sort when short, packed longs when not. */
    private static void sortSegment(int[] targets, int[] costs, int from, int to) {
        if (to - from > 16) {
            long[] packed = new long[to - from];
            for (int i = from; i < to; i++) {
                packed[i - from] = (long) targets[i] << 32 | costs[i]; // both non-negative ints
            }
            Arrays.sort(packed);
            for (int i = from; i < to; i++) {
                targets[i] = (int) (packed[i - from] >>> 32);
                costs[i] = (int) packed[i - from];
            }
            return;
        }
        for (int i = from + 1; i < to; i++) {
            int t = targets[i];
            int c = costs[i];
            int j = i - 1;
            while (j >= from && targets[j] > t) {
                targets[j + 1] = targets[j];
                costs[j + 1] = costs[j];
                j--;
            }
            targets[j + 1] = t;
            costs[j + 1] = c;
        }
    }

    private static PathResult dijkstra(String[] ids, int self, Graph graph, Map<String, Adjacency> adjacencies) {
        int n = ids.length;
        long[] dist = new long[n];
        int[] firstHop = new int[n];
        int[] hops = new int[n];
        boolean[] settled = new boolean[n];
        Arrays.fill(dist, Long.MAX_VALUE);
        dist[self] = 0;
        firstHop[self] = -1;
        DistanceHeap heap = new DistanceHeap(n);
        heap.push(0, self);
        while (!heap.isEmpty()) {
            long d = heap.peekKey();
            int u = heap.pop();
            if (settled[u] || d != dist[u]) {
                continue;
            }
            settled[u] = true;
            for (int e = graph.start()[u]; e < graph.start()[u + 1]; e++) {
                int v = graph.targets()[e];
                if (graph.costs()[e] < 0 || settled[v]) {
                    continue;
                }
                long nd = d + graph.costs()[e];
                int nfh = u == self ? v : firstHop[u];
                int nh = hops[u] + 1;
                if (nd < dist[v] || nd == dist[v] && (nfh < firstHop[v] || nfh == firstHop[v] && nh < hops[v])) {
                    boolean pushNeeded = nd < dist[v];
                    dist[v] = nd;
                    firstHop[v] = nfh;
                    hops[v] = nh;
                    if (pushNeeded) {
                        heap.push(nd, v);
                    }
                }
            }
        }
        Map<String, Route> routes = new HashMap<>(n * 2);
        Set<String> unreachable = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (i == self) {
                continue;
            }
            if (settled[i]) {
                String nextHop = ids[firstHop[i]];
                long linkId = adjacencies.get(nextHop).linkId();
                routes.put(ids[i], new Route(ids[i], nextHop, linkId, dist[i], hops[i]));
            } else {
                unreachable.add(ids[i]);
            }
        }
        return new PathResult(routes, unreachable);
    }

    /**
     * The shortest-path tree rooted at {@code root} over link-state records only (router id to listed peers), with
     * the edge rules of {@link #compute}: U-V is usable when U lists V and V lists U or V has no record; its cost is
     * the larger listing. Among equal-cost parents the smaller router id wins, so every router holding the same
     * records builds the same tree. Returns child to parent; the root and unreachable routers have no entry.
     */
    public static Map<String, String> tree(String root, Map<String, Map<String, Integer>> topology) {
        Map<String, Long> dist = new HashMap<>();
        Map<String, String> parent = new HashMap<>();
        Set<String> settled = new HashSet<>();
        record Item(long dist, String id) {
        }
        PriorityQueue<Item> queue = new PriorityQueue<>((a, b) -> a.dist() != b.dist()
                ? Long.compare(a.dist(), b.dist()) : a.id().compareTo(b.id()));
        dist.put(root, 0L);
        queue.add(new Item(0, root));
        while (!queue.isEmpty()) {
            Item item = queue.poll();
            String u = item.id();
            if (!settled.add(u)) {
                continue;
            }
            Map<String, Integer> peers = topology.getOrDefault(u, Map.of());
            for (Map.Entry<String, Integer> peer : peers.entrySet()) {
                String v = peer.getKey();
                if (settled.contains(v)) {
                    continue;
                }
                Map<String, Integer> back = topology.get(v);
                Integer backCost = back == null ? peer.getValue() : back.get(u);
                if (backCost == null) {
                    continue; // one-sided listing: not an edge
                }
                long nd = item.dist() + Math.max(peer.getValue(), backCost);
                Long known = dist.get(v);
                if (known == null || nd < known || nd == known && u.compareTo(parent.get(v)) < 0) {
                    dist.put(v, nd);
                    parent.put(v, u);
                    queue.add(new Item(nd, v));
                }
            }
        }
        return Map.copyOf(parent);
    }
}
