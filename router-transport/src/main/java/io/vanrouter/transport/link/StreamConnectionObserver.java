package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * Hears how a stream connection this router dialed fares (docs/protocol.md, section 5.3). Its events run on the
 * connection's event loop, which is the one it was dialed on.
 */
public interface StreamConnectionObserver {
    /**
     * The peer answered the stream HANDSHAKE: from now on {@code channel} carries raw bytes. Returns the handler that
     * takes them; it is added to the pipeline before the frame codec is removed, so bytes that came with the answer
     * reach it as reads.
     */
    ChannelHandler answered(Channel channel);

    /** The connection failed or was refused before the answer ({@code why} for the log). */
    void failed(String why);
}
