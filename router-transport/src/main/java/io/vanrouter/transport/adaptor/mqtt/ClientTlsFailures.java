package io.vanrouter.transport.adaptor.mqtt;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.vanrouter.transport.tls.TlsFailures;

/**
 * Right after the TLS handler of an MQTT client connection: a failed TLS handshake (a plain client, an unknown or
 * missing client certificate) is one WARN line with the client's address and the cause, and its exception goes no
 * further (the TLS handler closes the connection). Sharable, stateless.
 */
@Sharable
final class ClientTlsFailures extends ChannelInboundHandlerAdapter {
    private final String routerId;

    ClientTlsFailures(String routerId) {
        this.routerId = routerId;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            MqttListener.LOG.warn("[{}] MQTT client {} refused: TLS handshake failed: {}", routerId,
                    ctx.channel().remoteAddress(), TlsFailures.describe(done.cause()).replace("the peer", "the client"));
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (TlsFailures.isTls(cause)) {
            ctx.close(); // logged with the handshake event
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
