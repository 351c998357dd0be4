package io.vanrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.core.status.NodeView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flooding at router "a" with two two-way links: L1 to b, L2 to c.
 * <pre>
 *   b --L1-- a --L2-- c
 * </pre>
 */
class FloodingTest {
    private static final long L1 = 1;
    private static final long L2 = 2;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final RecordingControlSender sender = new RecordingControlSender();
    private final RouterCore core = new RouterCore(CoreSettings.defaults("a", 10), clock, sender, table -> { });

    @BeforeEach
    void linkUp() {
        core.onLinkUp(L1, "b", 20, 1);
        core.onMessage(L1, new Hello("b", 20, List.of("a")));
        core.onLinkUp(L2, "c", 30, 1);
        core.onMessage(L2, new Hello("c", 30, List.of("a")));
        core.tick();
        sender.clear();
    }

    @Test
    void shouldFloodNewerRecordToOtherLinksOnlyAndStopOnEqualCopy() {
        LinkState x = ls("x", 5, 1, Map.of("b", 1));
        core.onMessage(L1, new LinkStateUpdate(x));
        assertThat(sender.updatesOn(L2)).containsExactly(new LinkStateUpdate(x));
        assertThat(sender.updatesOn(L1)).isEmpty();

        core.onMessage(L2, new LinkStateUpdate(x)); // the copy flooded round the other way
        assertThat(sender.updateCount()).isEqualTo(1);
    }

    @Test
    void shouldAnswerStaleCopyWithTheNewerOne() {
        LinkState newer = ls("x", 5, 7, Map.of("b", 1));
        core.onMessage(L1, new LinkStateUpdate(newer));
        sender.clear();

        core.onMessage(L2, new LinkStateUpdate(ls("x", 5, 3, Map.of())));
        assertThat(sender.sent).containsExactly(new RecordingControlSender.Sent(L2, new LinkStateUpdate(newer)));
    }

    @Test
    void shouldReplaceRestartedRoutersRecordAtOnceOnLinkUp() {
        core.onMessage(L1, new LinkStateUpdate(ls("x", 5, 40, Map.of("b", 1))));
        assertThat(node("x").instance()).isEqualTo(5);

        core.onLinkUp(3, "x", 6, 1); // x restarted: its new boot reaches us directly
        // a knew x only from its old record, so with that record gone x is not listed at all (not even as instance 5).
        assertThat(core.view().nodes()).extracting(NodeView::routerId).containsExactly("b", "c");

        core.onMessage(L1, new LinkStateUpdate(ls("x", 6, 1, Map.of("b", 1))));
        assertThat(node("x").instance()).isEqualTo(6);
        assertThat(node("x").linkStateSequence()).isEqualTo(1);
    }

    @Test
    void shouldPreferNewInstanceEvenWithLowerSequence() {
        core.onMessage(L1, new LinkStateUpdate(ls("x", 5, 40, Map.of("b", 1))));
        core.onMessage(L1, new LinkStateUpdate(ls("x", 6, 1, Map.of("b", 1))));
        assertThat(node("x").instance()).isEqualTo(6);
    }

    @Test
    void shouldAgeOutSilentRouterAtMaxAgeNotBefore() {
        core.onMessage(L1, new LinkStateUpdate(ls("x", 5, 1, Map.of("b", 1))));
        keepNeighboursAlive(59_900);
        assertThat(node("x").instance()).isEqualTo(5);

        keepNeighboursAlive(100);
        assertThat(core.view().nodes()).extracting(NodeView::routerId).doesNotContain("x");
    }

    @Test
    void shouldAnswerOlderCopyOfOwnRecordWithCurrent() {
        LinkState own = ownRecord();
        core.onMessage(L1, new LinkStateUpdate(ls("a", 10, own.sequence() - 1, Map.of())));
        assertThat(sender.sent).containsExactly(new RecordingControlSender.Sent(L1, new LinkStateUpdate(own)));

        sender.clear();
        core.onMessage(L1, new LinkStateUpdate(ls("a", 9, 99, Map.of())));
        assertThat(sender.sent).containsExactly(new RecordingControlSender.Sent(L1, new LinkStateUpdate(own)));
    }

    @Test
    void shouldIgnoreRecordFromAnotherRouterUsingOurId() {
        long sequence = core.view().linkStateSequence();
        core.onMessage(L1, new LinkStateUpdate(ls("a", 11, 1, Map.of("z", 1))));
        core.onMessage(L1, new LinkStateUpdate(ls("a", 11, 2, Map.of("z", 1))));
        core.tick();
        assertThat(sender.sent).isEmpty();
        assertThat(core.view().linkStateSequence()).isEqualTo(sequence);
        assertThat(core.routingTable().routes()).doesNotContainKey("z");
    }

    @Test
    void shouldDropMalformedRecordWithoutThrowing() {
        Map<String, Integer> peers = new HashMap<>();
        peers.put("b", -4);
        core.onMessage(L1, new LinkStateUpdate(ls("x", 5, 1, peers)));
        peers.put("b", null);
        core.onMessage(L1, new LinkStateUpdate(ls("x", 5, 1, peers)));
        core.onMessage(L1, new LinkStateUpdate(ls("x", 5, 1, Map.of("x", 1))));
        core.onMessage(L1, null);
        core.tick();
        assertThat(sender.sent).isEmpty();
        assertThat(core.view().nodes()).extracting(NodeView::routerId).doesNotContain("x");
    }

    @Test
    void shouldSendWholeDatabaseWhenALinkBecomesTwoWay() {
        core.onMessage(L1, new LinkStateUpdate(ls("x", 5, 1, Map.of("b", 1))));
        sender.clear();
        core.onLinkUp(3, "d", 40, 1);
        core.onMessage(3, new Hello("d", 40, List.of("a")));
        assertThat(sender.updatesOn(3)).extracting(u -> u.linkState().routerId())
                .containsExactlyInAnyOrder("a", "x");
        assertThat(sender.updatesOn(3)).filteredOn(u -> u.linkState().routerId().equals("a")).hasSize(1);
        assertThat(sender.updatesOn(L1)).extracting(u -> u.linkState().routerId()).containsExactly("a");
    }

    @Test
    void shouldReoriginateEveryRefreshIntervalEvenIfUnchanged() {
        long sequence = core.view().linkStateSequence();
        keepNeighboursAlive(20_000);
        assertThat(core.view().linkStateSequence()).isEqualTo(sequence + 1);
        assertThat(sender.updatesOn(L1)).hasSize(1);
        assertThat(sender.updatesOn(L2)).hasSize(1);
    }

    private void keepNeighboursAlive(long millis) {
        for (long t = 0; t < millis; t += 100) {
            clock.advanceMillis(100);
            if (t % 1_000 == 0) {
                core.onMessage(L1, new Hello("b", 20, List.of("a")));
                core.onMessage(L2, new Hello("c", 30, List.of("a")));
            }
            core.tick();
        }
    }

    private LinkState ownRecord() {
        core.onMessage(L1, new LinkStateUpdate(ls("a", 1, 0, Map.of()))); // an old boot of ours: answered with ours
        LinkState own = ((LinkStateUpdate) sender.sent.get(sender.sent.size() - 1).message()).linkState();
        sender.clear();
        return own;
    }

    private NodeView node(String id) {
        return core.view().nodes().stream().filter(n -> n.routerId().equals(id)).findFirst().orElseThrow();
    }

    private static LinkState ls(String id, long instance, long sequence, Map<String, Integer> peers) {
        return new LinkState(id, instance, sequence, peers);
    }
}
