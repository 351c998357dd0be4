package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.netty.AbortiveClose;
import io.vanrouter.transport.wire.StreamResetCode;

/**
 * A stream end on a local TCP socket (the client at the listener side, the server at the connector side). Its
 * channel runs with AUTO_READ off on the stream's own event loop: it reads one buffer at a time, and only while the
 * peer end has credit and is writable. Its write credit is local: {@link StreamLimits#INITIAL_WINDOW_BYTES} minus the
 * bytes written and not yet completed, so a slow socket holds at most one window.
 *
 * <p>Owned by the stream's loop, which is the channel's loop.
 */
final class SocketEnd extends StreamEnd {
    private Channel channel;
    private boolean connected;
    private boolean readRequested;

    SocketEnd(Stream stream) {
        super(stream, StreamLimits.INITIAL_WINDOW_BYTES);
    }

    /** The channel is connected (accepted, or connect succeeded). */
    void connected(Channel connectedChannel) {
        assert connectedChannel.eventLoop() == stream.loop : "socket end must live on the stream's loop";
        this.channel = connectedChannel;
        this.connected = true;
    }

    /** Attached before connect completes, so that a failure can close it. */
    void attach(Channel pendingChannel) {
        this.channel = pendingChannel;
    }

    Channel channel() {
        return channel;
    }

    @Override
    boolean canTransmit() {
        return connected && channel.isActive();
    }

    @Override
    void transmit(ByteBuf chunk, int bytes) {
        channel.writeAndFlush(chunk).addListener(f -> stream.onTransmitted(this, bytes, f));
    }

    @Override
    void onTransmitted(int bytes) {
        sendCredit += bytes;
    }

    @Override
    void transmitEnd() {
        // Shut the output down only after every queued write completed: shutdownOutput fails pending writes. Over TLS
        // close_notify goes first: it ends this direction only (TLS 1.3), and a FIN without it may read as truncation.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (f.isSuccess() && tls != null) {
                tls.closeOutbound().addListener(g -> shutdownOutput(g.isSuccess()));
            } else {
                shutdownOutput(f.isSuccess());
            }
        });
    }

    private void shutdownOutput(boolean flushed) {
        if (flushed && channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput().addListener(g -> stream.onEndDone(this));
        } else {
            stream.onEndDone(this);
        }
    }

    @Override
    void abort(StreamResetCode code, String text) {
        closeWithReset();
    }

    /**
     * Closes at once with a TCP RST (SO_LINGER 0), so the application sees an abort, not an orderly end. Over TLS
     * without close_notify, which would tell the peer the data ended in order.
     */
    void closeWithReset() {
        if (channel == null) {
            return;
        }
        AbortiveClose.arm(channel);
        ChannelHandlerContext tls = channel.pipeline().context(SslHandler.class);
        if (tls != null) {
            tls.close(); // from the TLS handler toward the socket: past it, so it sends nothing
        } else {
            channel.close();
        }
    }

    @Override
    void awaitWritable() {
        // Local credit returns on write completion, which drains this end; nothing to wait for.
    }

    @Override
    void onForwarded(int bytes) {
        maybeRead();
    }

    @Override
    void maybeRead() {
        if (readRequested || inputEnded || !connected || !stream.isOpen() || stream.splicing()) {
            return;
        }
        StreamEnd to = peer;
        if (to.pendingBytes == 0 && to.sendCredit > 0 && to.canTransmit()) {
            readRequested = true;
            channel.read();
        }
    }

    /** A read burst ended; owning loop. */
    void onReadComplete() {
        readRequested = false;
        maybeRead();
    }

    @Override
    Channel spliceChannel() {
        boolean idle = connected && pending.isEmpty() && sendCredit == StreamLimits.INITIAL_WINDOW_BYTES
                && !inputEnded && !endQueued && channel.pipeline().get(SslHandler.class) == null;
        return idle && channel.isActive() ? channel : null;
    }

    @Override
    void spliceStarted() {
        readRequested = false;
    }

    @Override
    void close(boolean graceful) {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    String describe() {
        return "socket " + (channel == null ? "?" : LinkSession.format(channel.remoteAddress()));
    }
}
