package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

/**
 * Where an active link hands data-plane frames (MESSAGE, MESSAGE_ACK) and the writability and end of its connections
 * (the link's own and its data connections). Implemented by the message router. Called on the event loop of the
 * connection concerned; the sink owns (and must release) each message.
 */
public interface LinkMessageSink {

    /** A data-plane frame arrived on {@code link}. */
    void onLinkMessage(ActiveLink link, Object message);

    /** {@code connection} of {@code link} became writable again (its pending bytes fell below the low water mark). */
    void onConnectionWritable(ActiveLink link, Channel connection);

    /** A data connection of {@code link} closed; the link is still up. */
    void onConnectionDown(ActiveLink link, Channel connection);

    /** {@code link} is gone. */
    void onLinkDown(ActiveLink link);

    /** Drops everything: for links without a data plane (tests). */
    LinkMessageSink DISCARD = new LinkMessageSink() {
        @Override
        public void onLinkMessage(ActiveLink link, Object message) {
            ReferenceCountUtil.release(message);
        }

        @Override
        public void onConnectionWritable(ActiveLink link, Channel connection) {
        }

        @Override
        public void onConnectionDown(ActiveLink link, Channel connection) {
        }

        @Override
        public void onLinkDown(ActiveLink link) {
        }
    };
}
