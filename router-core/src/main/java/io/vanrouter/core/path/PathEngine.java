package io.vanrouter.core.path;

import io.vanrouter.core.hello.Adjacency;
import io.vanrouter.core.linkstate.LinkState;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
        Map<String, LinkState> byId = new HashMap<>(records.size() * 2);
        Set<String> names = new HashSet<>(records.size() * 2);
        names.add(selfId);
        names.addAll(adjacencies.keySet());
        int edgeCapacity = adjacencies.size();
        for (LinkState record : records) {
            if (!record.routerId().equals(selfId)) {
                byId.put(record.routerId(), record);
                names.add(record.routerId());
                names.addAll(record.peers().keySet());
                edgeCapacity += record.peers().size();
            }
        }
        // Index routers in id order, so comparing indexes compares ids.
        String[] ids = names.toArray(new String[0]);
        Arrays.sort(ids);
        Map<String, Integer> index = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            index.put(ids[i], i);
        }
        Graph graph = buildGraph(selfId, adjacencies, byId, ids.length, index, edgeCapacity);
        return dijkstra(ids, index.get(selfId), graph, adjacencies);
    }

    /** Compressed adjacency lists: edges of node u are targets/costs[start[u] .. start[u + 1]). */
    private record Graph(int[] start, int[] targets, int[] costs) {
    }

    private static Graph buildGraph(String selfId, Map<String, Adjacency> adjacencies, Map<String, LinkState> byId,
            int nodeCount, Map<String, Integer> index, int edgeCapacity) {
        int[] from = new int[edgeCapacity];
        int[] to = new int[edgeCapacity];
        int[] cost = new int[edgeCapacity];
        int edges = 0;
        int self = index.get(selfId);
        for (Adjacency adjacency : adjacencies.values()) {
            from[edges] = self;
            to[edges] = index.get(adjacency.peerId());
            cost[edges++] = adjacency.cost();
        }
        for (LinkState record : byId.values()) {
            int u = index.get(record.routerId());
            for (Map.Entry<String, Integer> peer : record.peers().entrySet()) {
                String v = peer.getKey();
                if (v.equals(selfId)) {
                    continue; // never relax into self
                }
                int c = peer.getValue();
                LinkState other = byId.get(v);
                if (other != null) {
                    Integer back = other.peers().get(record.routerId());
                    if (back == null) {
                        continue; // one-way listing: V does not confirm U
                    }
                    c = Math.max(c, back);
                }
                from[edges] = u;
                to[edges] = index.get(v);
                cost[edges++] = c;
            }
        }
        int[] start = new int[nodeCount + 1];
        for (int e = 0; e < edges; e++) {
            start[from[e] + 1]++;
        }
        for (int i = 0; i < nodeCount; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = Arrays.copyOf(start, nodeCount);
        int[] targets = new int[edges];
        int[] costs = new int[edges];
        for (int e = 0; e < edges; e++) {
            int slot = fill[from[e]]++;
            targets[slot] = to[e];
            costs[slot] = cost[e];
        }
        return new Graph(start, targets, costs);
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
                if (settled[v]) {
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
}
