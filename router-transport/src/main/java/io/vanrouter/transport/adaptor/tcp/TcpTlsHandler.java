package io.vanrouter.transport.adaptor.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;

/**
 * Right after the TLS handler of a TCP listener's client or a connector's server socket. Those run with AUTO_READ
 * off and their stream reads only once it is open, so this handler asks for the first read itself: the TLS handler
 * then keeps reading until the handshake is done. The handshake's outcome goes to {@link Outcome}; a TLS exception
 * goes no further while the handshake is not done (the outcome reports it and the TLS handler closes the channel),
 * and afterwards reaches the stream's handler as the {@link SSLException} (an IOException: the stream is aborted).
 *
 * <p>One per channel; its event loop.
 */
final class TcpTlsHandler extends ChannelInboundHandlerAdapter {
    /** What to do when the handshake of {@code channel} ends; on its loop. */
    interface Outcome {
        void handshaken(Channel channel);

        void failed(Channel channel, Throwable cause);
    }

    private final Outcome outcome;

    TcpTlsHandler(Outcome outcome) {
        this.outcome = outcome;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read(); // the TLS handler reads on until the handshake is done, then once more
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if ((event instanceof ChannelInputShutdownEvent || event instanceof SslCloseCompletionEvent)
                && !handshaken(ctx)) {
            // The other side ended (FIN, or close_notify before its first flight) mid-handshake: with half-closure
            // allowed nothing else would end the handshake before its timeout. Closing fails it now.
            ctx.close();
            return;
        }
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                outcome.handshaken(ctx.channel());
            } else {
                outcome.failed(ctx.channel(), done.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!handshaken(ctx)) {
            ctx.close(); // reported with the handshake's outcome
            return;
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof SSLException ssl) {
                ctx.fireExceptionCaught(ssl); // unwrapped from the DecoderException: a socket error, not a bug
                return;
            }
        }
        ctx.fireExceptionCaught(cause);
    }

    private static boolean handshaken(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        return tls != null && tls.handshakeFuture().isSuccess();
    }
}
