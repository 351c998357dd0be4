package io.vanrouter.transport.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.address.Distribution;
import io.vanrouter.core.address.GroupRoute;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.link.LinkRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In-flight counts of {@link AnycastTracker}, which BALANCED selection reads, past its pending-copies limit. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnycastTrackerTest {
    private static final String SELF = "R-a";
    private static final String REMOTE = "R-b";
    private static final int PENDING_MAX = 2;

    /** A local group member that holds every copy's settlement until the test settles it. */
    private static final class HeldDelivery implements LocalDelivery {
        final List<Settlement> held = new ArrayList<>();

        @Override
        public int deliverMulticast(MessageFrame frame, List<Blocker> blockers) {
            return 0;
        }

        @Override
        public boolean deliverToGroup(String groupKey, MessageFrame frame, Settlement settlement,
                List<Blocker> blockers) {
            held.add(settlement);
            return true;
        }

        @Override
        public boolean hasGroupMember(String groupKey) {
            return true;
        }

        void settleAll(boolean accepted) {
            List<Settlement> now = List.copyOf(held);
            held.clear();
            now.forEach(s -> s.settled(accepted));
        }
    }

    private final HeldDelivery local = new HeldDelivery();
    // R-b has members and a route of cost 1 but no link: a copy sent toward it is refused at once.
    private final RoutingTable table = new RoutingTable(SELF, 1,
            Map.of(REMOTE, new Route(REMOTE, REMOTE, 7, 1, 1)), Set.of());
    private final MessageRouter router = new MessageRouter(SELF, 1, TransportSettings.MAX_FRAME_BYTES_DEFAULT,
            () -> new ForwardingView(1, table, AddressSnapshotView.empty(SELF, AddressRules.none())),
            new LinkRegistry(SELF));
    private final AnycastTracker tracker = new AnycastTracker(router, PENDING_MAX);
    private final GroupRoute localOnly = new GroupRoute("g", "t/#", Distribution.BALANCED, 1, new TreeMap<>());
    private final GroupRoute localAndRemote = new GroupRoute("g", "t/#", Distribution.BALANCED, 1,
            new TreeMap<>(Map.of(REMOTE, 1)));

    {
        router.localDelivery(local);
    }

    @Test
    void shouldReturnInFlightToZeroWhenCopiesPastPendingMaxAreSettled() {
        int copies = PENDING_MAX + 3;
        for (int i = 0; i < copies; i++) {
            send(localOnly);
        }
        assertThat(local.held).hasSize(copies);
        assertThat(tracker.pendingCount()).isEqualTo(PENDING_MAX); // the last 3 went untracked
        assertThat(tracker.inFlight(SELF)).isEqualTo(PENDING_MAX);

        local.settleAll(true);

        assertThat(tracker.pendingCount()).isZero();
        assertThat(tracker.inFlight(SELF)).isZero();
    }

    @Test
    void shouldPreferLeastCostMemberAgainOnceCopiesPastPendingMaxAreSettled() {
        for (int i = 0; i < PENDING_MAX + 3; i++) {
            send(localOnly);
        }
        local.settleAll(false); // QoS 0 released: finished, not sent again
        assertThat(tracker.pendingCount()).isZero();

        // Nothing is in flight: here (0) beats R-b (0 in flight + cost 1), so the next copy is delivered here.
        send(localAndRemote);

        assertThat(local.held).as("copies delivered to the local member").hasSize(1);
        local.settleAll(true);
        assertThat(tracker.inFlight(SELF)).isZero();
        assertThat(tracker.inFlight(REMOTE)).isZero();
    }

    private void send(GroupRoute group) {
        MessageFrame frame = new MessageFrame(0, false, MessageFrame.HOPS_INITIAL, SELF, 0, "t/1", "", "",
                Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
        try {
            tracker.send(frame, group, table, null, null);
        } finally {
            frame.release();
        }
    }
}
