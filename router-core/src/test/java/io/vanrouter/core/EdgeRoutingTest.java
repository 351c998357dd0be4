package io.vanrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressAdvertiser;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.core.path.Route;
import org.junit.jupiter.api.Test;

/**
 * Edge routers on the core's message pump: an edge attaches to interior routers without entering link state (no SPF
 * anywhere), its consumers are advertised by its active uplink as that router's own, and it moves to its other uplink
 * at once when the active one goes.
 */
class EdgeRoutingTest {

    private static TestNetwork twoInteriors() {
        TestNetwork net = new TestNetwork();
        net.add("i1");
        net.add("i2");
        net.add("far");
        net.connect("i1", "i2", 1);
        net.connect("i2", "far", 1);
        net.run(3_000);
        return net;
    }

    @Test
    void anEdgeComingAndGoingRunsNoSpfAnywhere() {
        TestNetwork net = twoInteriors();
        long[] spfBefore = spfRuns(net);
        long i1LinkState = net.router("i1").routingCounters().linkStateOriginated();

        net.addEdge("e1");
        net.attach("e1", "i1", 1);
        net.run(2_000);
        net.cut("e1", "i1");
        net.run(2_000);

        assertThat(spfRuns(net)).containsExactly(spfBefore);
        assertThat(net.router("i1").routingCounters().linkStateOriginated()).isEqualTo(i1LinkState);
        assertThat(net.router("far").routingTable().routes()).doesNotContainKey("e1");
    }

    @Test
    void anEdgesConsumersAreAdvertisedByItsUplinkAndWithdrawnWhenItLeaves() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i1", 1);
        edge.addLocalConsumer(Address.plain("db"));
        edge.addLocalConsumer(Address.topicFilter("sensors/#"));
        net.run(1_000);

        // The far router sees i1 as the consumer: edges stay out of everyone's view but their uplink's.
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).containsOnlyKeys("i1");
        assertThat(net.router("far").addressView().routeTopic("sensors/t").remoteSubscribers())
                .containsOnlyKeys("i1");
        // i1 sees the edge itself, reachable over its link, and has no consumer of its own.
        RouterCore i1 = net.router("i1");
        assertThat(i1.addressView().route("db").localConsumers()).isZero();
        assertThat(i1.addressView().route("db").remoteConsumers()).containsOnlyKeys("e1");
        Route toEdge = i1.routingTable().route("e1").orElseThrow();
        assertThat(toEdge.nextHop()).isEqualTo("e1");
        assertThat(i1.attachedEdges()).containsEntry("e1", 2);

        edge.removeLocalConsumer(Address.plain("db"));
        net.run(500);
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).isEmpty();

        net.cut("e1", "i1");
        net.run(500);
        assertThat(net.router("far").addressView().routeTopic("sensors/t").remoteSubscribers()).isEmpty();
        assertThat(i1.routingTable().route("e1")).isEmpty();
        assertThat(i1.attachedEdges()).isEmpty();
    }

    @Test
    void anEdgeRoutesEverythingThroughItsActiveUplinkAndFailsOverAtOnce() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i1", 1);
        net.attach("e1", "i2", 1);
        edge.addLocalConsumer(Address.plain("db"));
        net.run(1_000);

        assertThat(edge.activeUplink()).isEqualTo("i1");
        assertThat(edge.routingTable().route("far").orElseThrow().nextHop()).isEqualTo("i1");
        assertThat(edge.routingTable().routes()).isEmpty(); // no link state at the edge
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).containsOnlyKeys("i1");

        net.cut("e1", "i1");
        // No time passes: the uplink change is part of handling the link-down.
        assertThat(edge.activeUplink()).isEqualTo("i2");
        assertThat(edge.routingTable().route("far").orElseThrow().nextHop()).isEqualTo("i2");
        net.run(500);
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).containsOnlyKeys("i2");
    }

    @Test
    void aCheaperUplinkIsThePrimaryTheEdgeReturnsTo() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i2", 5); // up first, but dearer
        assertThat(edge.activeUplink()).isEqualTo("i2");
        net.attach("e1", "i1", 1);
        assertThat(edge.activeUplink()).isEqualTo("i1");

        net.cut("e1", "i1");
        assertThat(edge.activeUplink()).isEqualTo("i2");
        net.attach("e1", "i1", 1);
        assertThat(edge.activeUplink()).isEqualTo("i1");
    }

    @Test
    void theUplinkAnEdgeLeavesForACheaperOneWithdrawsItsConsumers() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        edge.addLocalConsumer(Address.plain("db"));
        net.attach("e1", "i2", 10); // the backup dialled first is active until the primary is up
        net.run(500);
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).containsOnlyKeys("i2");

        net.attach("e1", "i1", 1);
        net.run(500);

        assertThat(edge.activeUplink()).isEqualTo("i1");
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).containsOnlyKeys("i1");
        assertThat(net.router("i2").addressView().route("db").remoteConsumers()).containsOnlyKeys("i1");
        assertThat(net.router("i2").attachedEdges()).containsEntry("e1", 0);
    }

    @Test
    void anEdgesSnapshotThatReachedItsUplinkBeforeTheLinkUpIsAskedForAgain() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        edge.addLocalConsumer(Address.plain("svc"));
        net.run(500); // no uplink yet: the batch goes nowhere, only snapshots carry the consumer from now on
        net.attach("e1", "i2", 2); // the backup is up first
        net.run(500);
        assertThat(net.router("far").addressView().route("svc").remoteConsumers()).containsOnlyKeys("i2");

        // The primary: its core runs the edge's hello and snapshot before the link up (CoreLoop's lanes) and drops
        // them. Nothing else the edge sends carries its consumers.
        net.attachHeardBeforeLinkUp("e1", "i1", 1);
        assertThat(edge.activeUplink()).isEqualTo("i1");
        net.run(2_000);

        assertThat(net.router("i1").attachedEdges()).containsEntry("e1", 1);
        assertThat(net.router("i2").addressView().route("svc").remoteConsumers()).containsOnlyKeys("i1");
        assertThat(net.router("far").addressView().route("svc").remoteConsumers()).containsOnlyKeys("i1");
        assertThat(net.router("i2").attachedEdges()).containsEntry("e1", 0);
    }

    @Test
    void anEdgeAnswersASnapshotRequestFromAnUplinkItDoesNotUseWithNoConsumers() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        edge.addLocalConsumer(Address.plain("svc"));
        net.run(500);
        net.attach("e1", "i1", 1);
        net.attachHeardBeforeLinkUp("e1", "i2", 2); // the backup got nothing; it asks once the link is two-way
        net.run(2_000);

        assertThat(edge.activeUplink()).isEqualTo("i1");
        assertThat(net.router("i2").attachedEdges()).containsEntry("e1", 0);
        assertThat(net.router("far").addressView().route("svc").remoteConsumers()).containsOnlyKeys("i1");
        assertThat(net.router("i1").addressView().route("svc").remoteConsumers()).containsOnlyKeys("e1");
    }

    @Test
    void amongEqualUplinksTheActiveOneStaysWhileItIsUp() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i1", 1);
        net.attach("e1", "i2", 1);
        net.cut("e1", "i1");
        assertThat(edge.activeUplink()).isEqualTo("i2");

        net.attach("e1", "i1", 1); // back, older in the network's eyes but not cheaper: no move
        assertThat(edge.activeUplink()).isEqualTo("i2");
    }

    @Test
    void aFrozenUplinkIsDetectedByTheDeadIntervalAndTheEdgeMovesOn() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i1", 1);
        net.attach("e1", "i2", 1);
        net.run(1_000);
        net.silence("e1", "i1");

        net.run(CoreSettings.DEAD_INTERVAL_MILLIS_DEFAULT + 200);

        assertThat(edge.activeUplink()).isEqualTo("i2");
        assertThat(net.router("i1").attachedEdges()).doesNotContainKey("e1");
    }

    @Test
    void anEdgeTickedOnlyWhenDueFindsAFrozenUplinkAtTheDeadIntervalAsBefore() {
        TestNetwork net = twoInteriors();
        net.edgesTickWhenDue();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i1", 1);
        net.attach("e1", "i2", 10);
        net.run(1_000);
        net.silence("e1", "i1"); // i1's last hello reached e1 at most one hello interval ago

        net.run(CoreSettings.DEAD_INTERVAL_MILLIS_DEFAULT - CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT - 50);
        assertThat(edge.activeUplink()).isEqualTo("i1");
        net.run(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT + 100);

        assertThat(edge.activeUplink()).isEqualTo("i2");
        assertThat(net.router("i1").attachedEdges()).doesNotContainKey("e1");
        assertThat(net.router("i2").attachedEdges()).containsKey("e1");
    }

    @Test
    void anIdleEdgeTicksForItsHellosOnlyAndItsConsumersStillReachTheNetwork() {
        TestNetwork net = twoInteriors();
        net.edgesTickWhenDue();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i1", 1);
        net.attach("e1", "i2", 10);
        edge.addLocalConsumer(Address.plain("db"));
        net.run(1_000);
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).containsOnlyKeys("i1");
        long ticksBefore = net.edgeTicks("e1");

        net.run(10_000);

        // Two uplinks: at most a tick per hello sent and per hello received (two of each per second; hellos due
        // together share one), against 100 ticks of a 100 ms tick (200 of the core loop's 50 ms).
        assertThat(net.edgeTicks("e1") - ticksBefore).isBetween(10L, 40L);
        assertThat(net.router("i1").attachedEdges()).containsEntry("e1", 1);
        assertThat(net.router("i2").attachedEdges()).containsEntry("e1", 0);
        assertThat(edge.view().neighbors()).hasSize(2);
    }

    @Test
    void anEdgeIsDueAtItsNextHelloDeadIntervalOrAddressBatchAndAnInteriorCannotSay() {
        ManualTimeSource clock = new ManualTimeSource();
        RouterCore edge = new RouterCore(CoreSettings.defaults("e1", 1).withEdge(true), clock,
                new RecordingControlSender(), table -> { });
        assertThat(edge.nanosUntilTickDue()).isEqualTo(Long.MAX_VALUE); // no uplink, nothing to send

        edge.onLinkUp(7, "i1", 2, 1); // the first hello goes at once, the next one interval later
        assertThat(edge.nanosUntilTickDue()).isEqualTo(millis(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT));

        edge.addLocalConsumer(Address.plain("db"));
        assertThat(edge.nanosUntilTickDue()).isEqualTo(millis(AddressAdvertiser.BATCH_INTERVAL_NANOS / 1_000_000));
        clock.advanceMillis(AddressAdvertiser.BATCH_INTERVAL_NANOS / 1_000_000);
        edge.tick(); // the batch goes
        assertThat(edge.nanosUntilTickDue())
                .isEqualTo(millis(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT) - AddressAdvertiser.BATCH_INTERVAL_NANOS);

        // A silent uplink: ticked at 2.8 s, the edge sends its hello (the next at 3.8 s) and the dead interval, 3 s
        // after link up, is next.
        clock.advanceMillis(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT * 3 - 100 - 200);
        edge.tick();
        assertThat(edge.nanosUntilTickDue()).isEqualTo(millis(200));
        clock.advanceMillis(200);
        assertThat(edge.nanosUntilTickDue()).isZero();
        edge.tick();
        assertThat(edge.activeUplink()).isNull();

        RouterCore interior = new RouterCore(CoreSettings.defaults("i1", 1), clock, new RecordingControlSender(),
                table -> { });
        assertThatThrownBy(interior::nanosUntilTickDue).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInteriorKeepsTheHelloAndDeadIntervalsAnEdgeAnnouncedOnThatEdgesLinkOnly() {
        ManualTimeSource clock = new ManualTimeSource();
        RecordingControlSender sender = new RecordingControlSender();
        RouterCore interior = new RouterCore(CoreSettings.defaults("i1", 1), clock, sender, table -> { });
        interior.onLinkUp(5, "quiet-edge", 2, 1, true, new Liveness(5_000, 15_000));
        interior.onLinkUp(6, "plain-edge", 3, 1, true, null); // an older edge: the interior's 1 s and 3 s
        for (int second = 1; second <= 14; second++) {
            clock.advanceMillis(1_000);
            interior.tick();
        }
        // One hello at attach and one per interval: the quiet edge every 5 s, the other every second.
        assertThat(sender.hellosOn(5)).hasSize(1 + 14 / 5);
        assertThat(sender.hellosOn(6)).hasSize(1 + 2); // then lost at 3 s: it never answered
        assertThat(sender.closed).extracting(RecordingControlSender.Closed::linkId).containsExactly(6L);
        assertThat(interior.attachedEdges()).containsOnlyKeys("quiet-edge");

        clock.advanceMillis(1_000); // 15 s without a word from the quiet edge: its own dead interval
        interior.tick();
        assertThat(sender.closed).extracting(RecordingControlSender.Closed::linkId).containsExactly(6L, 5L);
        assertThat(sender.closed.get(1).reason()).contains("15000 ms");
        assertThat(interior.attachedEdges()).isEmpty();
    }

    @Test
    void intervalsAnAlienOrOlderPeerAnnouncesAreIgnored() {
        assertThat(Liveness.announced(0, 0)).isNull(); // a router from before the field
        assertThat(Liveness.announced(3_000, 3_000)).isNull();
        assertThat(Liveness.announced(1_000, Liveness.DEAD_INTERVAL_MILLIS_MAX + 1)).isNull();
        assertThat(Liveness.announced(5_000, 15_000)).isEqualTo(new Liveness(5_000, 15_000));
    }

    private static long millis(long millis) {
        return millis * 1_000_000L;
    }

    @Test
    void anEdgeTakesNoLinkStateAndAnInteriorRefusesASecondLinkFromTheSameEdgeId() {
        TestNetwork net = twoInteriors();
        net.addEdge("e1");
        net.attach("e1", "i1", 1);
        net.run(500);
        assertThat(net.router("e1").view().nodes()).isEmpty();

        RouterCore i1 = net.router("i1");
        // An interior id used by an edge is refused: it would shadow a router of the network.
        i1.onLinkUp(9_999, "far", 1, 1, true);
        assertThat(i1.attachedEdges()).containsOnlyKeys("e1");
    }

    @Test
    void aNewLinkFromAnAttachedEdgeReplacesTheStaleOne() {
        TestNetwork net = twoInteriors();
        RouterCore edge = net.addEdge("e1");
        net.attach("e1", "i1", 1);
        edge.addLocalConsumer(Address.plain("db"));
        net.run(500);
        net.loseEnd("e1", "i1"); // i1 still holds the old link
        assertThat(i1LinksTo(net, "e1")).isEqualTo(1);

        net.attach("e1", "i1", 1); // the edge dials again before i1's dead interval
        edge.addLocalConsumer(Address.plain("cache")); // must travel on the new link
        net.run(500);

        assertThat(net.router("far").addressView().route("cache").remoteConsumers()).containsOnlyKeys("i1");

        RouterCore i1 = net.router("i1");
        assertThat(i1.attachedEdges()).containsEntry("e1", 2);
        assertThat(net.router("far").addressView().route("db").remoteConsumers()).containsOnlyKeys("i1");
        assertThat(i1LinksTo(net, "e1")).isEqualTo(1);
    }

    private static long i1LinksTo(TestNetwork net, String peer) {
        return net.router("i1").view().neighbors().stream().filter(n -> n.peerId().equals(peer)).count();
    }

    private static long[] spfRuns(TestNetwork net) {
        return new long[] {net.router("i1").routingCounters().spfRuns(), net.router("i2").routingCounters().spfRuns(),
                net.router("far").routingCounters().spfRuns()};
    }
}
