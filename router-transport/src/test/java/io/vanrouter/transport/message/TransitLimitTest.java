package io.vanrouter.transport.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.transport.link.InterRouterLinkHandler;
import org.junit.jupiter.api.Test;

/** The rule that bounds transit copies per next-hop link (docs/mqtt.md, Back-pressure). */
class TransitLimitTest {
    private static final long MAX = MessageRouter.TRANSIT_QOS1_PENDING_BYTES_MAX;

    @Test
    void shouldRefuseQos0OrAnycastTransitCopyWhileLinkIsNotWritable() {
        assertThat(MessageRouter.transitAccepts(false, true, MAX * 2)).isTrue();
        assertThat(MessageRouter.transitAccepts(false, false, 0)).isFalse();
    }

    @Test
    void shouldRefuseMulticastQos1TransitCopyOnlyPastItsPendingBytesLimit() {
        assertThat(MessageRouter.transitAccepts(true, false, MAX)).isTrue();
        assertThat(MessageRouter.transitAccepts(true, true, MAX + 1)).isFalse();
    }

    @Test
    void shouldKeepMulticastQos1LimitBelowSlowLinkLimit() {
        assertThat(MAX).isEqualTo(4L << 20).isLessThan(InterRouterLinkHandler.PENDING_BYTES_MAX);
    }
}
