package io.vanrouter.transport.stream;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.wire.WireLimits;

/** Flow-control constants of the data plane (docs/data-plane.md). */
public final class StreamLimits {
    /** Credit each end of a hop starts with, per direction; what a router may buffer per stream direction. */
    public static final int INITIAL_WINDOW_BYTES = 256 << 10;
    /** Largest window accepted in a peer's STREAM_OPEN; a larger one is reset as a protocol error. */
    public static final int WINDOW_BYTES_MAX = 1 << 20;
    /** Bytes passed on before a STREAM_WINDOW is sent upstream (fewer, larger credit frames). */
    public static final int WINDOW_UPDATE_BYTES_MIN = INITIAL_WINDOW_BYTES / 4;
    /** Largest STREAM_DATA payload this router writes. */
    public static final int DATA_CHUNK_BYTES_MAX = WireLimits.STREAM_DATA_BYTES_MAX;
    /** How long the connector side waits for its server to accept a connection. */
    public static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private StreamLimits() {
    }

    /**
     * Most a router holds for one stream direction: a window, plus a socket's receive buffer (doubled by the kernel)
     * read past credit after FIN ({@link ApplicationSockets#RECEIVE_BUFFER_BYTES}).
     */
    public static final long BUFFERED_BYTES_MAX = INITIAL_WINDOW_BYTES + 2L * ApplicationSockets.RECEIVE_BUFFER_BYTES;

    /** Largest single read from a TCP socket; one DATA frame carries at most this. */
    public static final int SOCKET_READ_BYTES_MAX = 64 << 10;

    /**
     * Reads on TCP sockets: adaptive buffer sizes up to {@link #SOCKET_READ_BYTES_MAX}, and one buffer per
     * {@code read()} call, so a socket never reads past its stream's credit (Netty's default reads up to 16 buffers
     * per call, which let a router hold about 1 MiB for one stream).
     */
    public static RecvByteBufAllocator socketReadAllocator() {
        return new AdaptiveRecvByteBufAllocator(512, 16 << 10, SOCKET_READ_BYTES_MAX)
                .maxMessagesPerRead(1);
    }

    /**
     * With splicing on ({@code routing.spliceAfterBytes} above 0), a stream that carried this many bytes in large reads
     * ({@link #BULK_READ_BYTES_MIN} or more each, both ways, at one router) counts as bulk: each hop moves to a stream
     * connection of its own and is spliced (docs/data-plane.md, section 7). A bulk transfer gets there within
     * milliseconds. The value tests and benchmarks turn splicing on with.
     */
    public static final long BULK_STREAM_BYTES = 1L << 20;

    /**
     * On by default: bulk streams leave the JVM after 1 MiB. (Off for a while, when a moved hop took a FIN on its
     * stream connection alone for the end of a direction and a router killed mid-stream made a truncated stream look
     * complete; a FIN is now confirmed on the link with a byte count, docs/protocol.md section 5.3.)
     */
    public static final long SPLICE_AFTER_BYTES_DEFAULT = BULK_STREAM_BYTES;

    /**
     * Reads at least this large count toward {@link #BULK_STREAM_BYTES}: a bulk sender fills 64 KiB reads,
     * while requests and responses (redis, HTTP pages) come in reads of a few KiB, and gain nothing from a stream
     * connection of their own (a splice costs the same two system calls per request as a read and a write).
     */
    public static final int BULK_READ_BYTES_MIN = 16 << 10;

    /**
     * While splicing is on, a stream that made this many reads at one router (socket reads and DATA frames, both ways
     * together) is moved and spliced too, however small its reads: a long-lived connection of small requests (a
     * database or cache client) then costs its routers about what a relay costs, since its bytes no longer pass
     * through the JVM's pipelines, buffers and frames (docs/benchmarks.md, session 24). Short exchanges (an HTTP
     * request or a few) stay on frames and never pay for a stream connection.
     */
    public static final long SPLICE_AFTER_READS_DEFAULT = 1_000;

    /**
     * A busy stream is spliced only if its event loop owns at most this many streams when it reaches
     * {@link #SPLICE_AFTER_READS_DEFAULT} reads. Framed, the small requests of many streams on one loop share each read
     * and each {@code writev} of their data connection; spliced, every request of every stream costs its own system
     * calls. One client's PINGs gain from the splice; fifty clients' measured 0.88× socat all spliced against 1.33×
     * framed in the run before (docs/benchmarks.md, session 24). Decided once per stream: checked at every read, the
     * last streams of a crowd would be spliced one by one as the others close.
     */
    public static final int BUSY_SPLICE_LOOP_STREAMS_MAX = 4;
}
