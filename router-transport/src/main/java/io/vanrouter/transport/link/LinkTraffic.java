package io.vanrouter.transport.link;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes and frames of one inter-router connection (link or data connection), each way.
 *
 * <p>Written only by the connection's event loop (single writer: a plain read and an ordered store, no
 * read-modify-write), read from any thread.
 */
public final class LinkTraffic {
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();

    /** Owning event loop. */
    void read(long bytes) {
        bytesIn.lazySet(bytesIn.get() + bytes);
    }

    /** Owning event loop. */
    void written(long bytes) {
        bytesOut.lazySet(bytesOut.get() + bytes);
    }

    /** Owning event loop. */
    void frameIn() {
        framesIn.lazySet(framesIn.get() + 1);
    }

    /** Owning event loop. */
    void frameOut() {
        framesOut.lazySet(framesOut.get() + 1);
    }

    /** Bytes read (after TLS: frames as they are on the wire inside it). */
    public long bytesIn() {
        return bytesIn.get();
    }

    public long bytesOut() {
        return bytesOut.get();
    }

    /** Frames read after the handshake (a frame sent in FRAGMENTs counts once). */
    public long framesIn() {
        return framesIn.get();
    }

    public long framesOut() {
        return framesOut.get();
    }
}
