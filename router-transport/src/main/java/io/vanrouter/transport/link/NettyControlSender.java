package io.vanrouter.transport.link;

import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.transport.wire.ReasonCode;

/**
 * The core's way out: looks the link up in the {@link LinkRegistry} and hands the message to the link's event loop.
 * Never blocks; a message for a link that is gone is dropped and counted.
 *
 * <p>Any thread (the core thread in practice).
 */
public final class NettyControlSender implements ControlSender {
    private final LinkRegistry registry;
    private final TransportCounters counters;

    public NettyControlSender(LinkRegistry registry, TransportCounters counters) {
        this.registry = registry;
        this.counters = counters;
    }

    @Override
    public void send(long linkId, ControlMessage message) {
        ActiveLink link = registry.get(linkId);
        if (link == null) {
            counters.messageDroppedNoLink();
            return;
        }
        link.channel().writeAndFlush(message, link.channel().voidPromise());
    }

    @Override
    public void closeLink(long linkId, String reason) {
        ActiveLink link = registry.get(linkId);
        if (link != null) {
            link.close(ReasonCode.DEAD_INTERVAL, reason);
        }
    }

    @Override
    public void closeLinkDuplicateId(long linkId, String reason) {
        ActiveLink link = registry.get(linkId);
        if (link != null) {
            link.close(ReasonCode.DUPLICATE_ROUTER_ID, reason);
        }
    }
}
