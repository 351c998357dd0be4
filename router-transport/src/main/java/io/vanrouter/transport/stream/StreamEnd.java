package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.ArrayDeque;

/**
 * One end of a {@link Stream} at this router: an inter-router link and stream id ({@link LinkEnd}) or a local TCP
 * socket ({@link SocketEnd}). Holds the outbound half of the direction leaving through it (credit, bytes waiting for
 * credit, END) and whether its inbound direction has ended.
 *
 * <p>Owned by the stream's event loop: every field and method, unless stated otherwise.
 */
abstract class StreamEnd {
    final Stream stream;
    StreamEnd peer;
    /** Bytes this end may still send (peer's STREAM_WINDOW for links, local write credit for sockets). */
    int sendCredit;
    /** Bytes from the peer end waiting for credit or writability, oldest first. */
    final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    int pendingBytes;
    /** The direction leaving through this end should end once {@link #pending} is empty. */
    boolean endQueued;
    boolean endSent;
    /** END went out (the END frame was written, or the socket's output is shut down). */
    boolean endDone;
    /** No more bytes will enter through this end (END or FIN received). */
    boolean inputEnded;
    private boolean released;

    StreamEnd(Stream stream, int sendCredit) {
        this.stream = stream;
        this.sendCredit = sendCredit;
    }

    /** Whether a chunk may be written now (connected, and the channel is under its high water mark). */
    abstract boolean canTransmit();

    /** Writes {@code chunk} (ownership passes) of {@code bytes}; completion calls {@link Stream#onTransmitted}. */
    abstract void transmit(ByteBuf chunk, int bytes);

    /** Ends the outbound direction; completion calls {@link Stream#onEndDone}. */
    abstract void transmitEnd();

    /** Tells this end's far side the stream is aborted (RESET frame, or TCP RST). */
    abstract void abort(StreamResetCode code, String text);

    /** Asks to be told through {@link Stream#drain} when {@link #canTransmit} may have become true. */
    abstract void awaitWritable();

    /** {@code bytes} that entered through this end were written onward (grant credit upstream). */
    void onForwarded(int bytes) {
    }

    /** Completion of a write of {@code bytes} through this end. */
    void onTransmitted(int bytes) {
    }

    /** Reads more from the source behind this end when its peer can take it (sockets only). */
    void maybeRead() {
    }

    /**
     * The socket to splice this end's two directions through (docs/data-plane.md, section 7), or null while it cannot
     * be: not a plain TCP socket (or stream connection), bytes pending or in flight, or a direction ending.
     */
    io.netty.channel.Channel spliceChannel() {
        return null;
    }

    /** Its channel was handed to a splice relay: no read of this end's is outstanding any more. */
    void spliceStarted() {
    }

    /**
     * Spliced: the relay read this end's FIN (its pipe empty). A socket's FIN ends its direction; a moved hop's waits
     * for the peer's STREAM_END that confirms it (docs/protocol.md, section 5.3).
     */
    void onSplicedInputEnd() {
        stream.onInputEnd(this);
    }

    /** Spliced: the relay shut this end's output down; a moved hop confirms that FIN on its link. */
    void onSplicedEndSent() {
    }

    /** Frees the end's registration and channel; pending bytes are released by {@link #release}. */
    abstract void close(boolean graceful);

    /** "link L3 #5" or "socket 127.0.0.1:41234", for logs. */
    abstract String describe();

    /** Releases pending bytes and closes; idempotent. */
    final void release(boolean graceful) {
        if (released) {
            return;
        }
        released = true;
        ByteBuf buf;
        while ((buf = pending.poll()) != null) {
            buf.release();
        }
        pendingBytes = 0;
        close(graceful);
    }

    final boolean released() {
        return released;
    }
}
