package io.vanrouter.core.sim;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * All-pairs reference for the simulation, computed from the true live topology and independent of the engine's
 * label-carrying Dijkstra: plain distances from every router, then the next hop from s to D is, by definition, the
 * neighbour N with the smallest id among those with cost(s, N) + dist(N, D) == dist(s, D).
 */
final class ReferenceRoutes {
    static final long UNREACHABLE = Long.MAX_VALUE;

    private final int n;
    private final int[][] cost; // cost[u][v] > 0 when a live link joins u and v (routers indexed in id order)
    private final long[][] dist;

    ReferenceRoutes(int[][] cost) {
        this.n = cost.length;
        this.cost = cost;
        this.dist = new long[n][];
        for (int s = 0; s < n; s++) {
            dist[s] = distancesFrom(s);
        }
    }

    long distance(int from, int to) {
        return dist[from][to];
    }

    /** The expected next hop from {@code from} to {@code to}, or -1 when unreachable. */
    int nextHop(int from, int to) {
        if (dist[from][to] == UNREACHABLE) {
            return -1;
        }
        for (int hop = 0; hop < n; hop++) { // ascending index = ascending id, so the first match is the smallest id
            if (cost[from][hop] > 0 && dist[hop][to] != UNREACHABLE
                    && cost[from][hop] + dist[hop][to] == dist[from][to]) {
                return hop;
            }
        }
        throw new IllegalStateException("no neighbour on a shortest path");
    }

    private long[] distancesFrom(int source) {
        long[] d = new long[n];
        Arrays.fill(d, UNREACHABLE);
        d[source] = 0;
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        queue.add(new long[] {0, source});
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int u = (int) top[1];
            if (top[0] != d[u]) {
                continue;
            }
            for (int v = 0; v < n; v++) {
                if (cost[u][v] > 0 && d[u] + cost[u][v] < d[v]) {
                    d[v] = d[u] + cost[u][v];
                    queue.add(new long[] {d[v], v});
                }
            }
        }
        return d;
    }
}
