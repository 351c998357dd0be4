package io.vanrouter.transport.stream;

import io.vanrouter.transport.wire.StreamResetCode;

/**
 * The listener side's view of its stream: told when the far end is connected, when an attempt fails before that
 * (so that it may try another destination), and when the stream is gone.
 *
 * <p>Called on the stream's event loop.
 */
public interface StreamObserver {

    /** STREAM_OPENED arrived (or the local connector connected): the client is being read from now. */
    void opened(Stream stream);

    /**
     * The attempt toward {@link Stream#destination()} failed before OPENED; nothing was read from the client yet.
     * Return true after {@link Stream#openToward} succeeded for another destination; false aborts the stream.
     */
    boolean openFailed(Stream stream, StreamResetCode code, String text);

    /** The stream is finished or aborted; its resources are freed. */
    void closed(Stream stream);
}
