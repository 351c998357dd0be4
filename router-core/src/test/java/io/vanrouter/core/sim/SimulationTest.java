package io.vanrouter.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.address.AddressRoute;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Deterministic simulation: N routers, a random connected topology, a chaos phase (link cuts and additions, message
 * loss and duplication, partitions, router restarts), then a quiet phase; afterwards every router's routes must
 * equal an all-pairs reference on the true live topology (same tie rule), be loop-free, and unreachables must lie
 * outside the router's connected component.
 *
 * <p>Normal suite: 200 routers, 3 seeds. Replay one seed, or make a longer run by hand (from the repository root;
 * on the shared build machine prefix {@code flock /tmp/vanrouter-mvn.lock}):
 * <pre>
 *   mvn -B -o -q -pl router-core test -Dtest=SimulationTest -Dsim.seed=20261127
 *   mvn -B -o -q -pl router-core test -Dtest=SimulationTest -Dsim.routers=500 -Dsim.runs=20 -Dsim.baseSeed=$RANDOM
 * </pre>
 * See docs/simulation.md.
 */
class SimulationTest {
    private static final long CHAOS_MILLIS = 30_000;
    private static final CoreSettings TIMERS = new CoreSettings("template", 1, 1_000, 3_000, 10_000, 30_000);

    @TestFactory
    Stream<DynamicTest> shouldConvergeToShortestPathsAfterChaos() {
        int routers = Integer.getInteger("sim.routers", 200);
        String single = System.getProperty("sim.seed");
        LongStream seeds = single != null && !single.isBlank()
                ? LongStream.of(Long.parseLong(single.trim()))
                : LongStream.range(0, Integer.getInteger("sim.runs", 3)).map(i -> Long.getLong("sim.baseSeed",
                        20_261_126L) + i);
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed + ", " + routers + " routers",
                () -> runOnce(seed, routers)));
    }

    private static void runOnce(long seed, int routers) {
        long startNanos = System.nanoTime();
        SimulatedNetwork net = new SimulatedNetwork(seed, routers, TIMERS);
        net.randomTopology(routers); // tree (n - 1 links) + n extra: average degree about 4
        net.runUntil(5_000);

        net.lossy(0.02, 0.02);
        while (net.nowMillis() < 5_000 + CHAOS_MILLIS) {
            chaosStep(net);
            net.runUntil(net.nowMillis() + 200 + net.random().nextInt(600));
        }
        net.lossy(0, 0);
        // Quiet: heals and restarts still pending land first (at most ~9 s), then two refresh intervals plus max age.
        long quietMillis = 10_000 + 2 * TIMERS.linkStateRefreshMillis() + TIMERS.linkStateMaxAgeMillis();
        net.runUntil(net.nowMillis() + quietMillis);

        List<String> problems = check(net);
        problems.addAll(checkAddresses(net));
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        assertThat(problems)
                .as("seed %d (replay with -Dsim.seed=%d), %d routers, %d deliveries, %d ms; first problems",
                        seed, seed, routers, net.delivered(), millis)
                .isEmpty();
    }

    private static void chaosStep(SimulatedNetwork net) {
        int n = net.size();
        int roll = net.random().nextInt(100);
        if (roll < 35) {
            net.removeRandomLink();
        } else if (roll < 75) {
            net.addLink(net.random().nextInt(n), net.random().nextInt(n));
        } else if (roll < 80) {
            net.toggleRandomConsumer();
        } else if (roll < 88) {
            net.partition(2_000 + net.random().nextInt(6_000));
        } else {
            net.restartRandomRouter(200 + net.random().nextInt(2_000));
        }
    }

    /** Compares every router's table with the reference; returns at most 20 problems. */
    static List<String> check(SimulatedNetwork net) {
        int n = net.size();
        ReferenceRoutes reference = new ReferenceRoutes(net.liveCosts());
        List<String> problems = new ArrayList<>();
        for (int s = 0; s < n && problems.size() < 20; s++) {
            RoutingTable table = net.core(s).routingTable();
            for (int d = 0; d < n && problems.size() < 20; d++) {
                if (d == s) {
                    continue;
                }
                String dest = net.id(d);
                Route route = table.routes().get(dest);
                int expectedHop = reference.nextHop(s, d);
                if (expectedHop < 0) {
                    if (route != null) {
                        problems.add(net.id(s) + ": has route " + route + " to unreachable " + dest);
                    }
                    continue;
                }
                if (table.unreachable().contains(dest)) {
                    problems.add(net.id(s) + ": " + dest + " listed unreachable but in its component");
                }
                String expected = "via " + net.id(expectedHop) + " cost " + reference.distance(s, d)
                        + " link " + net.liveLinkId(s, expectedHop);
                String actual = route == null ? "none"
                        : "via " + route.nextHop() + " cost " + route.cost() + " link " + route.linkId();
                if (!expected.equals(actual)) {
                    problems.add(net.id(s) + ": route to " + dest + " expected " + expected + " but " + actual);
                } else {
                    checkChain(net, s, d, problems);
                }
            }
        }
        return problems;
    }

    /**
     * Every router's address view must list, for each plain address, exactly the other routers of its connected
     * component that consume it, and its own consumer count. Routers outside the component are not checked: their
     * entries are withdrawn when they become unreachable, and the data path never picks a router without a route.
     */
    static List<String> checkAddresses(SimulatedNetwork net) {
        int n = net.size();
        ReferenceRoutes reference = new ReferenceRoutes(net.liveCosts());
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            addresses.add("svc-" + i);
        }
        for (int i = 0; i < 10; i++) {
            addresses.add("churn-" + i);
        }
        List<String> problems = new ArrayList<>();
        for (int s = 0; s < n && problems.size() < 20; s++) {
            AddressSnapshotView view = net.core(s).addressView();
            for (String address : addresses) {
                Set<String> expected = new TreeSet<>();
                Set<String> actual = new TreeSet<>();
                AddressRoute route = view.route(address);
                for (int d = 0; d < n; d++) {
                    if (d == s || reference.nextHop(s, d) < 0) {
                        continue;
                    }
                    if (net.consumersOf(d).contains(address)) {
                        expected.add(net.id(d));
                    }
                    if (route.remoteConsumers().containsKey(net.id(d))) {
                        actual.add(net.id(d));
                    }
                }
                int expectedLocal = net.consumersOf(s).contains(address) ? 1 : 0;
                if (!expected.equals(actual) || route.localConsumers() != expectedLocal) {
                    problems.add(net.id(s) + ": consumers of " + address + " expected " + expected + " local "
                            + expectedLocal + " but " + actual + " local " + route.localConsumers());
                }
            }
        }
        return problems;
    }

    /** Follows next hops router by router from s towards d: must arrive within n hops, without revisiting. */
    private static void checkChain(SimulatedNetwork net, int s, int d, List<String> problems) {
        String dest = net.id(d);
        String current = net.id(s);
        List<String> path = new ArrayList<>(List.of(current));
        for (int step = 0; step < net.size(); step++) {
            Route route = net.core(Integer.parseInt(current.substring(1))).routingTable().routes().get(dest);
            if (route == null) {
                problems.add("chain " + path + " towards " + dest + " stops at " + current);
                return;
            }
            current = route.nextHop();
            if (current.equals(dest)) {
                return;
            }
            if (path.contains(current)) {
                problems.add("loop " + path + " -> " + current + " towards " + dest);
                return;
            }
            path.add(current);
        }
        problems.add("chain " + path + " towards " + dest + " too long");
    }
}
