package io.vanrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.hello.Adjacency;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.path.PathEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The routing counters as the route computer keeps them, on a manual clock.
 *
 * <pre>
 *   a --1-- b
 * </pre>
 */
class RoutingCountersTest {
    private final ManualTimeSource clock = new ManualTimeSource();
    private final RoutingCounters counters = new RoutingCounters();
    private final RouteComputer routes = new RouteComputer("a", new PathEngine(), table -> { }, clock, counters);

    private static final Map<String, Adjacency> TO_B = Map.of("b", new Adjacency("b", 1, 1));
    private static final List<LinkState> RECORDS = List.of(new LinkState("a", 1, 1, Map.of("b", 1)),
            new LinkState("b", 1, 1, Map.of("a", 1)));

    @Test
    void shouldCountRunsAndTablesAndTimeFromTheFirstChangeToTheTable() {
        routes.recomputeIfDirty(Map.of(), List.of()); // the initial (empty) table: no change, no table
        clock.advanceMillis(10);
        routes.markDirty(); // the change
        clock.advanceMillis(30);
        routes.markDirty(); // a second input before the computation does not restart the clock
        clock.advanceMillis(20);

        boolean published = routes.recomputeIfDirty(TO_B, RECORDS);
        routes.recomputeIfDirty(TO_B, RECORDS); // not dirty: no run

        assertThat(published).isTrue();
        assertThat(counters.spfRuns()).isEqualTo(2);
        assertThat(counters.tablesPublished()).isEqualTo(1);
        assertThat(counters.lastConvergenceNanos()).isEqualTo(50_000_000L);
        assertThat(counters.spfNanos()).isZero(); // the manual clock does not move during a computation
    }

    @Test
    void shouldReportNoConvergenceBeforeTheFirstTable() {
        assertThat(counters.lastConvergenceNanos()).isEqualTo(-1);
        routes.markDirty();
        routes.recomputeIfDirty(Map.of(), List.of());
        assertThat(counters.spfRuns()).isEqualTo(1);
        assertThat(counters.tablesPublished()).isZero();
        assertThat(counters.lastConvergenceNanos()).isEqualTo(-1);
    }
}
