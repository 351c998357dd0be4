package io.vanrouter.transport.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several adaptors' local endpoints on one message plane ({@link LocalDeliveries}). */
class LocalDeliveriesTest {

    /** Counts what it is given; has a member of {@code group} (null: none). */
    private static final class Recording implements LocalDelivery {
        final String group;
        final List<String> got = new ArrayList<>();

        Recording(String group) {
            this.group = group;
        }

        @Override
        public int deliverMulticast(MessageFrame frame, List<Blocker> blockers) {
            got.add("multicast " + frame.topic());
            return 1;
        }

        @Override
        public boolean deliverToGroup(String groupKey, MessageFrame frame, Settlement settlement,
                List<Blocker> blockers) {
            got.add("group " + groupKey);
            return true;
        }

        @Override
        public boolean hasGroupMember(String groupKey) {
            return groupKey.equals(group);
        }
    }

    private static MessageFrame frame() {
        return new MessageFrame(1, false, MessageFrame.HOPS_INITIAL, "R-a", 1, "t", "", "", Unpooled.EMPTY_BUFFER);
    }

    @Test
    void shouldMulticastToEveryPartAndGiveAGroupCopyToThePartWithAMember() {
        Recording mqtt = new Recording("G/t");
        Recording amqp = new Recording("amqp/t");
        LocalDelivery both = LocalDeliveries.combine(LocalDeliveries.combine(LocalDelivery.NONE, mqtt), amqp);

        assertThat(both.deliverMulticast(frame(), null)).isEqualTo(2);
        assertThat(both.deliverToGroup("amqp/t", frame(), accepted -> { }, null)).isTrue();
        assertThat(both.deliverToGroup("other/t", frame(), accepted -> { }, null)).isFalse();
        assertThat(both.hasGroupMember("G/t")).isTrue();
        assertThat(mqtt.got).containsExactly("multicast t");
        assertThat(amqp.got).containsExactly("multicast t", "group amqp/t");
    }

    @Test
    void shouldForgetARemovedPart() {
        Recording mqtt = new Recording(null);
        Recording amqp = new Recording(null);
        LocalDelivery both = LocalDeliveries.combine(LocalDeliveries.combine(LocalDelivery.NONE, mqtt), amqp);

        assertThat(LocalDeliveries.without(both, mqtt)).isSameAs(amqp);
        assertThat(LocalDeliveries.without(amqp, amqp)).isSameAs(LocalDelivery.NONE);
        assertThat(LocalDeliveries.without(amqp, mqtt)).isSameAs(amqp);
    }
}
