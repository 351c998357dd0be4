package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.wire.StreamFrame;

/**
 * What a link tells the data plane (implemented by {@code io.vanrouter.transport.stream.StreamRouter}): a link is up,
 * a stream frame arrived, the link's writability changed, the link is down. Keeps the link package free of stream
 * state.
 *
 * <p>Every call runs on the event loop of the connection concerned (the link's, or a data connection's).
 * {@link #frame} takes ownership of the frame.
 */
public interface LinkDataPlane {
    /** Drops stream frames (links of a router without a data plane, codec tests). */
    LinkDataPlane DISCARD = new Discard();

    /** Drops stream frames and ignores link events; tests extend it to watch one kind of call. */
    class Discard implements LinkDataPlane {
        @Override
        public void linkUp(ActiveLink link) {
        }

        @Override
        public void frame(ActiveLink link, StreamFrame frame, Channel via) {
            ReferenceCountUtil.release(frame);
        }

        @Override
        public void writable(ActiveLink link, Channel channel) {
        }

        @Override
        public void connectionDown(ActiveLink link, Channel channel, String reason) {
        }

        @Override
        public void linkDown(ActiveLink link, String reason) {
        }
    }

    /**
     * Whether stream connections are taken (docs/protocol.md, section 5.3): offered in every HANDSHAKE; a link uses
     * them only when both ends offer them, on plain TCP without a proxy.
     */
    default boolean takesStreamConnections() {
        return false;
    }

    /**
     * A stream connection for stream {@code streamId} of {@code link} was admitted and answered: {@code channel} now
     * carries raw bytes (AUTO_READ off, frame codec removed). The data plane attaches it to the stream, or closes it
     * when the stream cannot move (gone, ending, already moved); the dialer then keeps the stream on frames. The
     * channel's event loop.
     */
    default void streamConnection(ActiveLink link, int streamId, Channel channel) {
        channel.close();
    }

    /** Before any stream frame of the link is delivered. */
    void linkUp(ActiveLink link);

    /** A stream frame that arrived on {@code via}: the link itself or one of its data connections. */
    void frame(ActiveLink link, StreamFrame frame, Channel via);

    /** {@code channel} (the link or one of its data connections) became writable again. */
    void writable(ActiveLink link, Channel channel);

    /** A data connection of a live link closed; the streams on it must be reset. Its own loop. */
    void connectionDown(ActiveLink link, Channel channel, String reason);

    /** After the last frame; the link's streams must be reset. */
    void linkDown(ActiveLink link, String reason);
}
