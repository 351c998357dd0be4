package io.vanrouter.transport.adaptor.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import io.vanrouter.transport.wire.StreamResetCode;

/**
 * One HTTP/2 stream (one request and its response) bridged to its router stream: frames from the client or server
 * become records toward the far side, records from the far side become frames. At a listener the request's first
 * HEADERS opens the router stream toward a chosen site ({@link RequestRoute}); at a connector the router stream came
 * first and this is the HTTP/2 stream opened for it on the connection to the server.
 *
 * <p>The child channel runs with AUTO_READ off: a frame is read only when the far side has credit and room
 * ({@link #readMore}), so an unread request or response holds the peer's HTTP/2 stream window, not router memory.
 *
 * <p>The HTTP/2 connection's event loop, which is the router stream's loop.
 */
final class Http2StreamBridge extends ChannelInboundHandlerAdapter implements AdaptorSink, HttpRecordReader.Handler {
    private final HttpListener listener;
    private final String routerId;
    private final HttpRecordReader reader = new HttpRecordReader();
    private Http2StreamChannel channel;
    private AdaptorEnd end;
    private RequestRoute route;
    private ChannelFuture lastWrite;
    private boolean headRead;
    private boolean inputEnded;
    private boolean headWritten;
    private boolean endWritten;
    private boolean grpc;

    /** At a listener: the router stream starts with the request's HEADERS. */
    Http2StreamBridge(HttpListener listener) {
        this.listener = listener;
        this.routerId = listener.router.routerId();
    }

    /** At a connector: bridges {@code end}'s stream to a new HTTP/2 stream toward the server. */
    Http2StreamBridge(String routerId, AdaptorEnd end) {
        this.listener = null;
        this.routerId = routerId;
        this.end = end;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (Http2StreamChannel) ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read(); // AUTO_READ is off: the first frames (the request's HEADERS, or the response's)
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame headers) {
                onHeaders(headers.headers(), headers.isEndStream());
            } else if (msg instanceof Http2DataFrame data) {
                onData(data);
                return; // onData took the frame's content
            }
        } finally {
            if (!(msg instanceof Http2DataFrame)) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private void onHeaders(Http2Headers headers, boolean endStream) {
        if (inputEnded) {
            return;
        }
        if (!headRead) {
            if (listener == null && isInformational(headers)) {
                return; // 100 Continue and the like concern the hop to the server only
            }
            headRead = true;
            if (end == null) {
                startRequest(headers);
            }
            ByteBuf record = HttpRecords.head(channel.alloc(), headers, endStream);
            if (record == null) {
                tooLarge();
                return;
            }
            end.offer(record);
        } else {
            ByteBuf record = HttpRecords.trailers(channel.alloc(), headers);
            if (record == null) {
                tooLarge();
                return;
            }
            end.offer(record);
        }
        if (endStream) {
            inputEnded = true;
            end.endInput();
        }
    }

    private static boolean isInformational(Http2Headers headers) {
        CharSequence status = headers.status();
        return status != null && status.length() == 3 && status.charAt(0) == '1';
    }

    private void startRequest(Http2Headers headers) {
        CharSequence contentType = headers.get("content-type");
        grpc = contentType != null && contentType.toString().startsWith("application/grpc");
        route = new RequestRoute(listener, describe());
        end = route.start(channel.eventLoop(), this);
    }

    private void tooLarge() {
        end.fail(StreamResetCode.PROTOCOL_ERROR, "http head larger than " + HttpRecords.HEAD_BYTES_MAX + " bytes");
    }

    private void onData(Http2DataFrame data) {
        ByteBuf content = data.content();
        boolean endStream = data.isEndStream();
        if (inputEnded || end == null || end.isOver()) {
            data.release();
            return;
        }
        int bytes = content.readableBytes();
        if (bytes > 0) {
            end.offer(HttpRecords.dataHeader(channel.alloc(), bytes));
            end.offer(content);
        } else {
            content.release();
        }
        if (endStream) {
            inputEnded = true;
            end.endInput();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (end != null && end.wantsMore()) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            if (end != null && !(inputEnded && endWritten)) {
                end.fail(StreamResetCode.ABORTED, describe() + " reset by the " + (listener != null ? "client"
                        : "server") + ": " + Http2Error.valueOf(reset.errorCode()));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (end != null && ctx.channel().isWritable()) {
            end.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (end != null && !(inputEnded && endWritten)) {
            end.fail(StreamResetCode.ABORTED, describe() + " closed before the exchange ended");
        }
        ctx.fireChannelInactive();
    }

    // --- records from the far side, written as frames (AdaptorSink) ---

    @Override
    public boolean writable() {
        return channel.isActive() && channel.isWritable();
    }

    @Override
    public Future<?> write(ByteBuf chunk) {
        lastWrite = null;
        try {
            reader.read(chunk, this);
        } catch (HttpRecordReader.BadRecordException e) {
            HttpListener.LOG.warn("[{}] {}: bad record from the far side: {}", routerId, describe(),
                    e.getMessage());
            end.fail(StreamResetCode.PROTOCOL_ERROR, e.getMessage());
        }
        channel.flush();
        return lastWrite != null ? lastWrite : channel.newSucceededFuture();
    }

    @Override
    public void head(Http2Headers headers, boolean endMessage) {
        headWritten = !isInformational(headers);
        if (route != null && headWritten) {
            route.responded(HttpHeads.parseStatus(headers.status()));
        }
        lastWrite = channel.write(new DefaultHttp2HeadersFrame(headers, endMessage));
        if (endMessage) {
            ended();
        }
    }

    @Override
    public void data(ByteBuf bytes) {
        if (endWritten) {
            bytes.release();
            return;
        }
        lastWrite = channel.write(new DefaultHttp2DataFrame(bytes, false));
    }

    @Override
    public void trailers(Http2Headers headers) {
        if (endWritten) {
            return;
        }
        lastWrite = channel.write(new DefaultHttp2HeadersFrame(headers, true));
        ended();
    }

    private void ended() {
        endWritten = true;
        if (route != null) {
            route.completed();
        }
    }

    @Override
    public Future<?> end() {
        if (endWritten || !channel.isActive()) {
            return channel.newSucceededFuture();
        }
        ended();
        return channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
    }

    /**
     * At a listener, before a response head: the router's own error response (gRPC: a trailers-only response with
     * UNAVAILABLE, so clients see a gRPC status); after it, or at a connector: RST_STREAM.
     */
    @Override
    public void abort(StreamResetCode code, String text) {
        if (!channel.isActive() || (endWritten && inputEnded)) {
            return;
        }
        if (listener != null && !headWritten) {
            int status = code == StreamResetCode.NO_CONNECTOR ? 503 : 502;
            route.responded(status); // counted as the failure it is, also when gRPC carries it in a 200
            endWritten = true;
            if (grpc) {
                Http2Headers head = new DefaultHttp2Headers().status("200").set("content-type", "application/grpc")
                        .setInt("grpc-status", 14).set("grpc-message", code + ": " + text);
                channel.writeAndFlush(new DefaultHttp2HeadersFrame(head, true));
            } else {
                Http2Headers head = new DefaultHttp2Headers().status(Integer.toString(status))
                        .set("content-type", "text/plain; charset=utf-8");
                channel.write(new DefaultHttp2HeadersFrame(head, false));
                channel.writeAndFlush(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(channel.alloc(),
                        code + ": " + text + "\n"), true));
            }
            return;
        }
        endWritten = true;
        channel.writeAndFlush(new DefaultHttp2ResetFrame(listener != null ? Http2Error.INTERNAL_ERROR
                : Http2Error.CANCEL));
    }

    @Override
    public void readMore() {
        channel.read();
    }

    @Override
    public void closed() {
        reader.release();
    }

    @Override
    public String describe() {
        Channel parent = channel == null ? null : channel.parent();
        String peer = parent == null ? "?" : LinkSession.format(parent.remoteAddress());
        return "http2 " + (listener != null ? "client " : "server ") + peer + " #"
                + (channel == null ? "?" : channel.stream().id());
    }
}
