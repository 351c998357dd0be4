package io.vanrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.message.Hello;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.status.NeighborView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hello, two-way check and dead interval of one core, driven with explicit times (hello 1 s, dead 3 s). */
class HelloProtocolTest {
    private static final long LINK = 7;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final RecordingControlSender sender = new RecordingControlSender();
    private final List<RoutingTable> published = new ArrayList<>();
    private final RouterCore core = new RouterCore(CoreSettings.defaults("a", 10), clock, sender, published::add);

    @Test
    void shouldSendHelloOnLinkUpAndEveryInterval() {
        core.onLinkUp(LINK, "b", 20, 1);
        assertThat(sender.hellosOn(LINK)).containsExactly(new Hello("a", 10, List.of()));

        clock.advanceMillis(999);
        core.tick();
        assertThat(sender.hellosOn(LINK)).hasSize(1);

        clock.advanceMillis(1);
        core.tick();
        assertThat(sender.hellosOn(LINK)).hasSize(2);

        clock.advanceMillis(1_000);
        core.tick();
        assertThat(sender.hellosOn(LINK)).hasSize(3);
    }

    @Test
    void shouldAnswerTheFirstHelloAtOnceListingThePeer() {
        core.onLinkUp(LINK, "b", 20, 1);
        clock.advanceMillis(10);
        core.onMessage(LINK, new Hello("b", 20, List.of()));

        assertThat(sender.hellosOn(LINK)).last().isEqualTo(new Hello("a", 10, List.of("b")));
        assertThat(sender.hellosOn(LINK)).hasSize(2);
    }

    @Test
    void shouldBecomeTwoWayOnlyWhenThePeerListsUs() {
        core.onLinkUp(LINK, "b", 20, 1);
        core.onMessage(LINK, new Hello("b", 20, List.of()));
        core.tick();
        assertThat(core.view().neighbors()).extracting(NeighborView::state).containsExactly("init");
        assertThat(core.routingTable().routes()).isEmpty();
        assertThat(core.view().linkStateSequence()).isZero();

        core.onMessage(LINK, new Hello("b", 20, List.of("a")));
        core.tick();
        assertThat(core.view().neighbors()).extracting(NeighborView::state).containsExactly("two-way");
        assertThat(core.routingTable().route("b")).hasValueSatisfying(r -> assertThat(r.linkId()).isEqualTo(LINK));
        assertThat(core.view().linkStateSequence()).isEqualTo(1);
        assertThat(published).hasSize(1);
    }

    @Test
    void shouldDeclareNeighbourDeadAtExactlyTheDeadInterval() {
        twoWay(LINK, "b", 1);
        clock.advanceMillis(2_999);
        core.tick();
        assertThat(sender.closed).isEmpty();
        assertThat(core.routingTable().route("b")).isPresent();

        clock.advanceMillis(1);
        core.tick();
        assertThat(sender.closed).containsExactly(
                new RecordingControlSender.Closed(LINK, "dead interval expired (nothing heard for 3000 ms)"));
        assertThat(core.routingTable().routes()).isEmpty();
        assertThat(core.view().neighbors()).isEmpty();
    }

    @Test
    void shouldExpireALinkThatNeverSendsAHello() {
        core.onLinkUp(LINK, "b", 20, 1);
        clock.advanceMillis(3_000);
        core.tick();
        assertThat(sender.closed).extracting(RecordingControlSender.Closed::linkId).containsExactly(LINK);
    }

    @Test
    void shouldKeepNeighbourWhileHellosArrive() {
        twoWay(LINK, "b", 1);
        for (int i = 0; i < 10; i++) {
            clock.advanceMillis(1_000);
            core.onMessage(LINK, new Hello("b", 20, List.of("a")));
            core.tick();
        }
        assertThat(sender.closed).isEmpty();
        assertThat(core.view().neighbors().get(0).lastHelloAgeMillis()).isZero();
    }

    @Test
    void shouldKeepTwoWayNeighbourAliveOnActivityWithoutHellos() {
        twoWay(LINK, "b", 1); // last hello at t=0
        for (int i = 0; i < 40; i++) { // 10 s of data (activity every 250 ms), hellos stuck behind it
            clock.advanceMillis(250);
            core.onLinkActivity(LINK);
            core.tick();
        }
        assertThat(sender.closed).isEmpty();
        assertThat(core.routingTable().route("b")).isPresent();
        assertThat(core.view().neighbors().get(0).lastHelloAgeMillis()).as("status still shows the hello age")
                .isEqualTo(10_000);
        assertThat(sender.hellosOn(LINK)).last().extracting(Hello::seen).isEqualTo(List.of("b"));

        clock.advanceMillis(2_999); // the data stops too
        core.tick();
        assertThat(sender.closed).isEmpty();
        clock.advanceMillis(1);
        core.tick();
        assertThat(sender.closed).extracting(RecordingControlSender.Closed::linkId).containsExactly(LINK);
    }

    @Test
    void shouldNotMakeALinkTwoWayOrKeepItAliveByActivityAlone() {
        core.onLinkUp(LINK, "b", 20, 1);
        core.onMessage(LINK, new Hello("b", 20, List.of())); // heard at t=0, but b does not list us yet
        for (int i = 0; i < 11; i++) {
            clock.advanceMillis(250);
            core.onLinkActivity(LINK);
            core.tick();
        }
        assertThat(core.view().neighbors()).extracting(NeighborView::state).containsExactly("init");
        assertThat(core.routingTable().routes()).isEmpty();

        clock.advanceMillis(250); // t = 3000: dead interval since the last hello, activity notwithstanding
        core.onLinkActivity(LINK);
        core.tick();
        assertThat(sender.closed).extracting(RecordingControlSender.Closed::linkId).containsExactly(LINK);
    }

    @Test
    void shouldIgnoreActivityOnUnknownLink() {
        core.onLinkActivity(99);
        core.tick();
        assertThat(core.view().neighbors()).isEmpty();
    }

    @Test
    void shouldRemoveNeighbourAtOnceWhenLinkGoesDown() {
        twoWay(LINK, "b", 1);
        core.onLinkDown(LINK, "connection reset");
        core.tick();
        assertThat(core.routingTable().routes()).isEmpty();
        assertThat(core.view().neighbors()).isEmpty();
        assertThat(core.view().linkStateSequence()).isEqualTo(2);
    }

    @Test
    void shouldListPeerInSeenOnlyWithinDeadInterval() {
        core.onLinkUp(LINK, "b", 20, 1);
        core.onMessage(LINK, new Hello("b", 20, List.of()));
        clock.advanceMillis(2_000);
        core.tick();
        assertThat(sender.hellosOn(LINK)).last().extracting(Hello::seen).isEqualTo(List.of("b"));
    }

    @Test
    void shouldIgnoreHelloWithAnotherInstanceThanTheHandshake() {
        core.onLinkUp(LINK, "b", 20, 1);
        core.onMessage(LINK, new Hello("b", 21, List.of("a")));
        core.tick();
        assertThat(core.view().neighbors()).extracting(NeighborView::state).containsExactly("init");
        assertThat(core.view().neighbors().get(0).lastHelloAgeMillis()).isEqualTo(-1);
    }

    @Test
    void shouldUseTheCheapestOfParallelLinksAndLowestIdOnTies() {
        twoWay(9, "b", 5);
        twoWay(8, "b", 2);
        twoWay(12, "b", 2);
        core.tick();
        assertThat(core.routingTable().route("b")).hasValueSatisfying(r -> {
            assertThat(r.linkId()).isEqualTo(8);
            assertThat(r.cost()).isEqualTo(2);
        });

        core.onLinkDown(8, "closed");
        core.tick();
        assertThat(core.routingTable().route("b").orElseThrow().linkId()).isEqualTo(12);
        assertThat(core.view().linkStateSequence()).isEqualTo(2); // cost 5, then 2; losing link 8 leaves 2
    }

    @Test
    void shouldNotThrowOnUnknownLinksOrBadLinkUp() {
        core.onMessage(99, new Hello("x", 1, List.of("a")));
        core.onLinkDown(99, "never existed");
        core.onLinkUp(1, "a", 10, 1); // our own id
        core.onLinkUp(2, "b", 20, 0); // cost below 1
        core.tick();
        assertThat(core.view().neighbors()).isEmpty();
    }

    private void twoWay(long linkId, String peer, int cost) {
        core.onLinkUp(linkId, peer, 20, cost);
        core.onMessage(linkId, new Hello(peer, 20, List.of("a")));
        core.tick();
    }
}
