package io.vanrouter.transport.link;

import io.netty.util.ReferenceCountUtil;

/**
 * Where an active link hands data-plane frames (MESSAGE, MESSAGE_ACK) and its writability and end. Implemented by
 * the message router. Called on the link's event loop; the sink owns (and must release) each message.
 */
public interface LinkMessageSink {

    /** A data-plane frame arrived on {@code link}. */
    void onLinkMessage(ActiveLink link, Object message);

    /** {@code link} became writable again (its pending bytes fell below the low water mark). */
    void onLinkWritable(ActiveLink link);

    /** {@code link} is gone. */
    void onLinkDown(ActiveLink link);

    /** Drops everything: for links without a data plane (tests). */
    LinkMessageSink DISCARD = new LinkMessageSink() {
        @Override
        public void onLinkMessage(ActiveLink link, Object message) {
            ReferenceCountUtil.release(message);
        }

        @Override
        public void onLinkWritable(ActiveLink link) {
        }

        @Override
        public void onLinkDown(ActiveLink link) {
        }
    };
}
