package io.vanrouter.transport.adaptor.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Exception;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.netty.Errors;
import java.io.IOException;

/**
 * Last in an HTTP client connection's pipeline: bad input (an HTTP/2 protocol error the codec already answered with
 * GOAWAY, a frame it could not decode) is one WARN line with router id, client and cause; a socket error is DEBUG;
 * anything else is an ERROR with its stack. The connection is closed in every case; the router goes on.
 *
 * <p>The connection's event loop.
 */
final class HttpConnectionErrors extends ChannelInboundHandlerAdapter {
    private final HttpListener listener;

    HttpConnectionErrors(HttpListener listener) {
        this.listener = listener;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String client = LinkSession.format(ctx.channel().remoteAddress());
        String routerId = listener.router.routerId();
        if (cause instanceof Http2Exception || cause instanceof DecoderException) {
            listener.counters.badRequest(listener.settings.address());
            HttpListener.LOG.warn("[{}] http listener for '{}': client {}: bad input: {}", routerId,
                    listener.settings.address(), client, Errors.describe(cause));
        } else if (cause instanceof IOException) {
            HttpListener.LOG.debug("[{}] http listener for '{}': client {}: {}", routerId,
                    listener.settings.address(), client, Errors.describe(cause));
        } else {
            HttpListener.LOG.error("[{}] http listener for '{}': client {}: unexpected error", routerId,
                    listener.settings.address(), client, cause);
        }
        ctx.close();
    }
}
