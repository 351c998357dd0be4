package io.vanrouter.core.hello;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.hello.NeighborTable.HelloResult;
import io.vanrouter.core.message.Hello;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure hello table with explicit times in milliseconds (hello 1000, dead 3000). */
class NeighborTableTest {
    private static final long MS = 1_000_000L;

    private final NeighborTable table = new NeighborTable("a", 1_000, 3_000);

    @Test
    void shouldBecomeTwoWayOnlyWhenListed() {
        table.add(1, "b", 5, 1, 0);
        assertThat(table.onHello(1, new Hello("b", 5, List.of()), 10 * MS)).isEqualTo(HelloResult.FIRST_HEARD);
        assertThat(table.adjacencies()).isEmpty();
        assertThat(table.onHello(1, new Hello("b", 5, List.of("a")), 20 * MS))
                .isEqualTo(HelloResult.BECAME_TWO_WAY);
        assertThat(table.adjacencies()).containsOnlyKeys("b");
        assertThat(table.onHello(1, new Hello("b", 5, List.of("a")), 30 * MS)).isEqualTo(HelloResult.REFRESHED);
    }

    @Test
    void shouldExpireAtExactlyTheDeadIntervalNotBefore() {
        table.add(1, "b", 5, 1, 0);
        table.onHello(1, new Hello("b", 5, List.of("a")), 500 * MS);
        assertThat(table.expired(3_499 * MS)).isEmpty();
        assertThat(table.expired(3_500 * MS)).extracting(Neighbor::linkId).containsExactly(1L);
    }

    @Test
    void shouldRefreshDeadTimerOnActivityOnlyWhenTwoWay() {
        table.add(1, "b", 5, 1, 0);
        assertThat(table.onActivity(1, 1_000 * MS)).as("not two-way yet").isFalse();
        assertThat(table.expired(3_000 * MS)).hasSize(1);

        table.onHello(1, new Hello("b", 5, List.of("a")), 2_000 * MS);
        assertThat(table.onActivity(1, 4_000 * MS)).isTrue();
        assertThat(table.expired(6_999 * MS)).isEmpty();
        assertThat(table.expired(7_000 * MS)).hasSize(1);
        assertThat(table.get(1).lastHelloNanos()).isEqualTo(2_000 * MS);
        assertThat(table.onActivity(1, 3_000 * MS)).as("late report never moves the timer back").isTrue();
        assertThat(table.expired(6_999 * MS)).isEmpty();
        assertThat(table.onActivity(2, 0)).as("unknown link").isFalse();
    }

    @Test
    void shouldNotBlameNeighboursForTheSilenceOfItsOwnPause() {
        table.add(1, "b", 5, 1, 0);
        table.onHello(1, new Hello("b", 5, List.of("a")), 1_000 * MS);
        // This router stalled from 1,500 to 5,500 ms: at 5,500 b looks silent for 4.5 s, over the dead interval.
        assertThat(table.expired(5_500 * MS)).hasSize(1);

        table.forgivePause(4_000 * MS, 5_500 * MS);

        assertThat(table.expired(5_500 * MS)).as("heard 0.5 s before the pause").isEmpty();
        assertThat(table.expired(7_999 * MS)).isEmpty();
        assertThat(table.expired(8_000 * MS)).as("silent for a dead interval of running time").hasSize(1);
    }

    @Test
    void shouldNeverMoveADeadTimerPastNowForAPause() {
        table.add(1, "b", 5, 1, 0);
        table.onHello(1, new Hello("b", 5, List.of("a")), 1_000 * MS);

        table.forgivePause(10_000 * MS, 2_000 * MS);

        assertThat(table.get(1).lastHeardNanos()).isEqualTo(2_000 * MS);
        assertThat(table.expired(5_000 * MS)).hasSize(1);
    }

    @Test
    void shouldListPeerAsSeenOnlyWithinTheDeadInterval() {
        Neighbor b = table.add(1, "b", 5, 1, 0);
        assertThat(table.seen(b, 0)).isEmpty();
        table.onHello(1, new Hello("b", 5, List.of()), 100 * MS);
        assertThat(table.seen(b, 3_099 * MS)).containsExactly("b");
        assertThat(table.seen(b, 3_100 * MS)).isEmpty();
    }

    @Test
    void shouldScheduleHellosOneIntervalApart() {
        table.add(1, "b", 5, 1, 0);
        assertThat(table.takeDueHellos(0)).hasSize(1);
        assertThat(table.takeDueHellos(999 * MS)).isEmpty();
        assertThat(table.takeDueHellos(1_000 * MS)).hasSize(1);
    }

    @Test
    void shouldRejectHelloFromAnotherRouterOrInstance() {
        table.add(1, "b", 5, 1, 0);
        assertThat(table.onHello(1, new Hello("b", 6, List.of("a")), 0)).isEqualTo(HelloResult.MISMATCH);
        assertThat(table.onHello(1, new Hello("c", 5, List.of("a")), 0)).isEqualTo(HelloResult.MISMATCH);
        assertThat(table.onHello(2, new Hello("b", 5, List.of("a")), 0)).isEqualTo(HelloResult.UNKNOWN_LINK);
        assertThat(table.get(1).heard()).isFalse();
    }

    @Test
    void shouldPickCheapestTwoWayLinkWithLowestIdOnTies() {
        for (long link : new long[] {4, 3, 9}) {
            table.add(link, "b", 5, link == 9 ? 1 : 2, 0);
        }
        table.onHello(4, new Hello("b", 5, List.of("a")), 0);
        table.onHello(3, new Hello("b", 5, List.of("a")), 0);
        assertThat(table.adjacencies().get("b")).isEqualTo(new Adjacency("b", 3, 2)); // link 9 (cost 1) not two-way

        table.onHello(9, new Hello("b", 5, List.of("a")), 0);
        assertThat(table.adjacencies().get("b")).isEqualTo(new Adjacency("b", 9, 1));
        table.remove(9);
        assertThat(table.adjacencies().get("b")).isEqualTo(new Adjacency("b", 3, 2));
        assertThat(table.twoWayLinkIds()).containsExactly(3L, 4L);
    }
}
