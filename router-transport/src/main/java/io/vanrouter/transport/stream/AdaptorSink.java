package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.vanrouter.transport.wire.StreamResetCode;

/**
 * Where the bytes leaving an {@link AdaptorEnd} go, and where its bytes come from: one request of the HTTP adaptor
 * (an HTTP/2 stream, or an HTTP/1.1 exchange on a connection), implemented by the adaptor. Bytes enter with
 * {@link AdaptorEnd#offer}; the sink reads more from its source only when {@link #readMore} asks.
 *
 * <p>Called on the stream's event loop, which must be the loop of the sink's channel; must not block.
 */
public interface AdaptorSink {

    /** Whether a chunk may be written now (the channel or the HTTP/2 stream is writable). */
    boolean writable();

    /**
     * Writes {@code chunk} (ownership passes). The future completes when the bytes left this router (the credit
     * returns then), or fails, which aborts the stream.
     */
    Future<?> write(ByteBuf chunk);

    /** The far side ended its direction: end ours. The future completes when that end is written. */
    Future<?> end();

    /** The stream was aborted elsewhere: reset the request toward the application. */
    void abort(StreamResetCode code, String text);

    /** The far side can take more: read once more from the source (one read burst). */
    void readMore();

    /** The stream is over here (finished or reset): free what the sink holds. Called once. */
    void closed();

    /** "http2 127.0.0.1:41234 #5", for logs and views. */
    String describe();
}
