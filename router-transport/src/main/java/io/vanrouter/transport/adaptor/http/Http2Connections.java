package io.vanrouter.transport.adaptor.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The HTTP/2 limits of the adaptor's connections, both to clients and to servers, and the codec built with them.
 *
 * <p>Any thread.
 */
final class Http2Connections {
    /** Per HTTP/2 stream: what a peer may send before we read it; matches the router stream's window. */
    static final int STREAM_WINDOW_BYTES = 256 << 10;
    /**
     * Per connection. Larger than one stream's window, so that a request whose router stream is slow (its bytes
     * unread, holding its window) does not stop the connection's other requests.
     */
    static final int CONNECTION_WINDOW_BYTES = 4 << 20;
    /** Concurrent requests per client connection; gRPC clients queue beyond it. */
    static final long CONCURRENT_STREAMS_MAX = 1_000;
    /** Header list size a peer may send (the records carry at most {@link HttpRecords#HEAD_BYTES_MAX}). */
    static final long HEADER_LIST_BYTES_MAX = 32 << 10;

    private Http2Connections() {
    }

    static Http2FrameCodec serverCodec() {
        return Http2FrameCodecBuilder.forServer().initialSettings(settings()).build();
    }

    /**
     * Toward a server: requests beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS wait in the codec until one of its
     * streams closes, rather than fail. What waits is bounded by the requests' own router streams (their credit).
     */
    static Http2FrameCodec clientCodec() {
        return Http2FrameCodecBuilder.forClient().initialSettings(settings()).encoderEnforceMaxConcurrentStreams(true)
                .build();
    }

    private static Http2Settings settings() {
        return Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW_BYTES)
                .maxConcurrentStreams(CONCURRENT_STREAMS_MAX).maxHeaderListSize(HEADER_LIST_BYTES_MAX);
    }

    /** After the codec: widens the connection's receive window once it is up (SETTINGS cannot: RFC 9113 §6.9.2). */
    static final class ConnectionWindow extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW_BYTES
                    - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
        }
    }
}
