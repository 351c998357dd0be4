package io.vanrouter.core.bench;

import io.vanrouter.core.hello.Adjacency;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.path.PathEngine;
import io.vanrouter.core.path.PathResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One full SPF recompute ({@link PathEngine#compute}: graph build from link-state records plus Dijkstra) on a seeded
 * random sparse graph: a random spanning tree plus {@code routers} extra links, so the average degree is about 4,
 * costs 1-10. Run with {@code bench/spf-benchmark.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpfBenchmark {

    @Param({"100", "1000", "10000"})
    public int routers;

    private final PathEngine engine = new PathEngine();
    private String self;
    private Map<String, Adjacency> adjacencies;
    private List<LinkState> records;

    @Setup
    public void buildGraph() {
        Random random = new Random(42);
        List<Map<String, Integer>> peers = new ArrayList<>();
        for (int i = 0; i < routers; i++) {
            peers.add(new HashMap<>());
        }
        Set<Long> pairs = new HashSet<>();
        for (int i = 1; i < routers; i++) {
            link(peers, pairs, i, random.nextInt(i), random);
        }
        for (int k = 0; k < routers; k++) {
            link(peers, pairs, random.nextInt(routers), random.nextInt(routers), random);
        }
        self = id(0);
        adjacencies = new TreeMap<>();
        long linkId = 1;
        for (Map.Entry<String, Integer> peer : new TreeMap<>(peers.get(0)).entrySet()) {
            adjacencies.put(peer.getKey(), new Adjacency(peer.getKey(), linkId++, peer.getValue()));
        }
        records = new ArrayList<>();
        for (int i = 0; i < routers; i++) {
            records.add(new LinkState(id(i), 1, 1, peers.get(i)));
        }
    }

    @Benchmark
    public PathResult fullRecompute() {
        return engine.compute(self, adjacencies, records);
    }

    private static void link(List<Map<String, Integer>> peers, Set<Long> pairs, int a, int b, Random random) {
        long key = (long) Math.min(a, b) << 32 | Math.max(a, b);
        if (a == b || !pairs.add(key)) {
            return;
        }
        int cost = 1 + random.nextInt(10);
        peers.get(a).put(id(b), cost);
        peers.get(b).put(id(a), cost);
    }

    private static String id(int i) {
        return String.format("router-%05d", i);
    }
}
