package io.vanrouter.transport.link;

import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.wire.StreamFrame;

/**
 * What a link tells the data plane (implemented by {@code io.vanrouter.transport.stream.StreamRouter}): a link is up,
 * a stream frame arrived, the link's writability changed, the link is down. Keeps the link package free of stream
 * state.
 *
 * <p>Every call runs on the link's event loop. {@link #frame} takes ownership of the frame.
 */
public interface LinkDataPlane {
    /** Drops stream frames (links of a router without a data plane, codec tests). */
    LinkDataPlane DISCARD = new LinkDataPlane() {
        @Override
        public void linkUp(ActiveLink link) {
        }

        @Override
        public void frame(ActiveLink link, StreamFrame frame) {
            ReferenceCountUtil.release(frame);
        }

        @Override
        public void writable(ActiveLink link) {
        }

        @Override
        public void linkDown(ActiveLink link, String reason) {
        }
    };

    /** Before any stream frame of the link is delivered. */
    void linkUp(ActiveLink link);

    void frame(ActiveLink link, StreamFrame frame);

    /** The link's channel became writable again. */
    void writable(ActiveLink link);

    /** After the last frame; the link's streams must be reset. */
    void linkDown(ActiveLink link, String reason);
}
