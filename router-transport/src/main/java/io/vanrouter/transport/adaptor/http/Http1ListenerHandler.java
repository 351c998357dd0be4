package io.vanrouter.transport.adaptor.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.ArrayDeque;

/**
 * An HTTP/1.1 client connection at a listener: each request is an {@link Exchange}, its own router stream toward a
 * site chosen for it, so a keep-alive connection spreads its requests over sites. One exchange at a time: while a
 * response is pending nothing more is read (pipelined requests already read wait here, at most one read's worth), and
 * a request body is read only while its stream can take more (AUTO_READ off).
 *
 * <p>The connection's event loop.
 */
final class Http1ListenerHandler extends ChannelInboundHandlerAdapter {
    private final HttpListener listener;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean closing;

    Http1ListenerHandler(HttpListener listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        context.read();
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (current != null && current.requestDone) {
            pipelined.add(msg);
        } else {
            handle(msg);
        }
    }

    private void handle(Object msg) {
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            badRequest(object.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpRequest request) {
            current = new Exchange(request);
            current.start(request);
        }
        if (msg instanceof HttpContent content) {
            if (current == null || current.requestDone) {
                content.release();
            } else {
                current.content(content);
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (closing) {
            return;
        }
        if (current == null || (!current.requestDone && current.end.wantsMore())) {
            context.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (current != null && context.channel().isWritable()) {
            current.end.writable();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        closing = true;
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
        if (current != null && !current.end.isOver() && !(current.requestDone && current.responseEnded)) {
            current.end.fail(StreamResetCode.ABORTED, current.describe() + " closed before the exchange ended");
        }
        context.fireChannelInactive();
    }

    /** Malformed request: a clear error response and one log line; the connection closes, the router goes on. */
    private void badRequest(Throwable cause) {
        String client = LinkSession.format(ctx.channel().remoteAddress());
        listener.counters.badRequest(listener.settings.address());
        HttpListener.LOG.warn("[{}] http listener for '{}': client {}: bad request: {}", listener.router.routerId(),
                listener.settings.address(), client, Errors.describe(cause));
        HttpResponseStatus status = cause instanceof TooLongFrameException
                ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
        if (current != null && current.responseStarted) {
            closeNow();
            return;
        }
        if (current != null) {
            current.end.fail(StreamResetCode.ABORTED, "bad request from " + client);
        }
        writeErrorAndClose(status, "bad request: " + Errors.describe(cause));
    }

    private void writeErrorAndClose(HttpResponseStatus status, String text) {
        closing = true;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), text + "\n"));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeNow() {
        closing = true;
        ctx.close();
    }

    /** The exchange's stream is over: the next pipelined request, or read for one. */
    private void exchangeDone(Exchange done) {
        if (done != current) {
            return;
        }
        current = null;
        if (!done.keepAlive || closing || !ctx.channel().isActive()) {
            return;
        }
        Object next;
        while (current == null && (next = pipelined.poll()) != null) {
            handle(next);
        }
        while (current != null && !current.requestDone && (next = pipelined.poll()) != null) {
            handle(next);
        }
        if (current == null || (!current.requestDone && current.end.wantsMore())) {
            ctx.read();
        }
    }

    /** One request and its response: the router stream's sink at this listener. */
    private final class Exchange implements AdaptorSink, HttpRecordReader.Handler {
        private final boolean keepAlive;
        private final HttpRecordReader reader = new HttpRecordReader();
        private RequestRoute route;
        private AdaptorEnd end;
        private boolean requestDone;
        private boolean responseStarted;
        private boolean responseEnded;
        private boolean chunked;
        private ChannelFuture lastWrite;

        Exchange(HttpRequest request) {
            this.keepAlive = HttpUtil.isKeepAlive(request);
        }

        void start(HttpRequest request) {
            boolean bodiless = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L)
                    == 0;
            Http2Headers head = HttpHeads.fromRequest(request, "http");
            route = new RequestRoute(listener, describe());
            end = route.start(ctx.channel().eventLoop(), this);
            ByteBuf record = HttpRecords.head(ctx.alloc(), head, bodiless);
            if (record == null) {
                end.fail(StreamResetCode.PROTOCOL_ERROR, "request head too large");
                return;
            }
            end.offer(record);
        }

        void content(HttpContent content) {
            if (HttpRecords.offerContent(end, ctx.alloc(), content)) {
                requestDone = true;
                end.endInput();
            }
            content.release();
        }

        @Override
        public boolean writable() {
            return ctx.channel().isActive() && ctx.channel().isWritable();
        }

        @Override
        public Future<?> write(ByteBuf chunk) {
            lastWrite = null;
            try {
                reader.read(chunk, this);
            } catch (HttpRecordReader.BadRecordException e) {
                HttpListener.LOG.warn("[{}] {}: bad record from the far side: {}", listener.router.routerId(),
                        describe(), e.getMessage());
                end.fail(StreamResetCode.PROTOCOL_ERROR, e.getMessage());
            }
            ctx.flush();
            return lastWrite != null ? lastWrite : ctx.newSucceededFuture();
        }

        @Override
        public void head(Http2Headers headers, boolean endMessage) {
            int status = HttpHeads.parseStatus(headers.status());
            if (status < 200 || responseStarted) {
                return; // informational: the expect-continue handler already answered this hop
            }
            responseStarted = true;
            route.responded(status);
            HttpResponse response = HttpHeads.toResponse(headers, endMessage);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            chunked = HttpUtil.isTransferEncodingChunked(response);
            lastWrite = ctx.write(response);
            if (endMessage) {
                lastWrite = ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
                responseEnded = true;
                route.completed();
            }
        }

        @Override
        public void data(ByteBuf bytes) {
            if (responseEnded || !responseStarted) {
                bytes.release();
                return;
            }
            lastWrite = ctx.write(new DefaultHttpContent(bytes));
        }

        @Override
        public void trailers(Http2Headers headers) {
            if (responseEnded || !responseStarted) {
                return;
            }
            LastHttpContent last = new DefaultLastHttpContent();
            if (chunked) {
                HttpHeads.toTrailers(headers, last.trailingHeaders());
            }
            lastWrite = ctx.write(last);
            responseEnded = true;
            route.completed();
        }

        @Override
        public Future<?> end() {
            if (!responseStarted) {
                // The far side ended without a response head: nothing sensible to send but an error.
                abort(StreamResetCode.PROTOCOL_ERROR, "response ended without a head");
                return ctx.newSucceededFuture();
            }
            ChannelFuture done = responseEnded ? ctx.newSucceededFuture()
                    : ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!responseEnded) {
                responseEnded = true;
                route.completed();
            }
            if (!keepAlive) {
                done.addListener(ChannelFutureListener.CLOSE);
            }
            return done;
        }

        /** Before a response head: 503/502 with the reason; after it the connection closes (a cut response). */
        @Override
        public void abort(StreamResetCode code, String text) {
            if (closing || !ctx.channel().isActive()) {
                return;
            }
            if (responseStarted) {
                closeNow();
                return;
            }
            HttpResponseStatus status = code == StreamResetCode.NO_CONNECTOR ? HttpResponseStatus.SERVICE_UNAVAILABLE
                    : HttpResponseStatus.BAD_GATEWAY;
            route.responded(status.code());
            responseStarted = true;
            writeErrorAndClose(status, code + ": " + text);
        }

        @Override
        public void readMore() {
            if (!requestDone && !closing) {
                ctx.read();
            }
        }

        @Override
        public void closed() {
            reader.release();
            ctx.channel().eventLoop().execute(() -> exchangeDone(this));
        }

        @Override
        public String describe() {
            return "http1 client " + LinkSession.format(ctx.channel().remoteAddress());
        }
    }
}
