package io.vanrouter.transport.adaptor.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import io.vanrouter.transport.wire.StreamResetCode;

/**
 * One HTTP/1.1 connection to a connector's server, carrying one exchange at a time: records from the request's
 * stream become the request, the server's response becomes records back. The response is read only while the
 * stream can take more (AUTO_READ off). A clean exchange on a keep-alive connection gives it back to the pool.
 *
 * <p>The connection's event loop (the request stream's loop).
 */
final class Http1ServerConnection extends ChannelInboundHandlerAdapter {
    private final String routerId;
    private final HttpConnectorSettings settings;
    private final Http1ServerPool pool;
    private ChannelHandlerContext ctx;
    private Exchange current;

    Http1ServerConnection(String routerId, HttpConnectorSettings settings, Http1ServerPool pool) {
        this.routerId = routerId;
        this.settings = settings;
        this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Starts the exchange of {@code end}'s request on this idle connection. */
    AdaptorSink start(AdaptorEnd end) {
        current = new Exchange(end);
        return current;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (current == null || !(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg); // nothing asked: a stray response closes the connection below
            if (current == null) {
                context.close();
            }
            return;
        }
        if (object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            HttpListener.LOG.warn("[{}] http connector for '{}': bad response from {}: {}", routerId,
                    settings.address(), LinkSession.format(context.channel().remoteAddress()),
                    Errors.describe(object.decoderResult().cause()));
            current.end.fail(StreamResetCode.ABORTED, "bad response from the server: "
                    + Errors.describe(object.decoderResult().cause()));
            context.close();
            return;
        }
        current.fromServer(object);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (current != null && !current.responseDone && current.end.wantsMore()) {
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
        Exchange exchange = current;
        if (exchange != null && !(exchange.responseDone && exchange.requestDone)) {
            exchange.end.fail(StreamResetCode.ABORTED, "server " + settings.host() + ":" + settings.port()
                    + " closed the connection before the exchange ended");
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        HttpListener.LOG.debug("[{}] http connector for '{}' to {}:{}: {}", routerId, settings.address(),
                settings.host(), settings.port(), Errors.describe(cause));
        context.close();
    }

    /** One request toward the server and its response: the router stream's sink at this connector. */
    private final class Exchange implements AdaptorSink, HttpRecordReader.Handler {
        private final AdaptorEnd end;
        private final HttpRecordReader reader = new HttpRecordReader();
        private boolean requestStarted;
        private boolean requestDone;
        private boolean chunked;
        private boolean informational;
        private boolean responseDone;
        private boolean keepAlive = true;
        private boolean aborted;
        private ChannelFuture lastWrite;

        Exchange(AdaptorEnd end) {
            this.end = end;
        }

        void fromServer(HttpObject object) {
            if (object instanceof HttpResponse response) {
                informational = response.status().code() < 200;
                if (!informational) {
                    keepAlive = HttpUtil.isKeepAlive(response);
                    int code = response.status().code();
                    boolean bodiless = code == 204 || code == 304 || HttpUtil.getContentLength(response, -1L) == 0;
                    ByteBuf record = HttpRecords.head(ctx.alloc(), HttpHeads.fromResponse(response), bodiless);
                    if (record == null) {
                        end.fail(StreamResetCode.ABORTED, "response head from the server too large");
                        return;
                    }
                    end.offer(record);
                }
            }
            if (object instanceof HttpContent content) {
                if (informational) {
                    content.release(); // the 1xx response's end; the real response follows
                    informational = !(content instanceof LastHttpContent);
                    return;
                }
                if (HttpRecords.offerContent(end, ctx.alloc(), content)) {
                    responseDone = true;
                    end.endInput();
                }
                content.release();
            }
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
                HttpListener.LOG.warn("[{}] http connector for '{}': bad record from the far side: {}", routerId,
                        settings.address(), e.getMessage());
                end.fail(StreamResetCode.PROTOCOL_ERROR, e.getMessage());
            }
            ctx.flush();
            return lastWrite != null ? lastWrite : ctx.newSucceededFuture();
        }

        @Override
        public void head(Http2Headers headers, boolean endMessage) {
            if (requestStarted) {
                return;
            }
            requestStarted = true;
            HttpRequest request = HttpHeads.toRequest(headers, endMessage);
            if (request.headers().get("host") == null) {
                request.headers().set("host", settings.host() + ":" + settings.port());
            }
            chunked = HttpUtil.isTransferEncodingChunked(request);
            lastWrite = ctx.write(request);
            if (endMessage) {
                lastWrite = ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
                requestDone = true;
            }
        }

        @Override
        public void data(ByteBuf bytes) {
            if (requestDone || !requestStarted) {
                bytes.release();
                return;
            }
            HttpContent content = new DefaultHttpContent(bytes);
            lastWrite = ctx.write(content);
        }

        @Override
        public void trailers(Http2Headers headers) {
            if (requestDone || !requestStarted) {
                return;
            }
            LastHttpContent last = new DefaultLastHttpContent();
            if (chunked) {
                HttpHeads.toTrailers(headers, last.trailingHeaders());
            }
            lastWrite = ctx.write(last);
            requestDone = true;
        }

        @Override
        public Future<?> end() {
            if (requestDone || !requestStarted) {
                requestDone = true;
                return ctx.newSucceededFuture();
            }
            requestDone = true;
            return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }

        @Override
        public void abort(StreamResetCode code, String text) {
            aborted = true;
            ctx.close(); // HTTP/1.1 has no other way to cancel a request
        }

        @Override
        public void readMore() {
            if (!responseDone) {
                ctx.read();
            }
        }

        @Override
        public void closed() {
            reader.release();
            current = null;
            if (!aborted && requestDone && responseDone && keepAlive) {
                pool.release(ctx.channel());
            } else {
                ctx.close();
            }
        }

        @Override
        public String describe() {
            return "http1 server " + LinkSession.format(ctx.channel().remoteAddress());
        }
    }
}
