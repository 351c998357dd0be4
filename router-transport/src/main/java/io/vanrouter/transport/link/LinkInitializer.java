package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.wire.FrameDecoder;

/**
 * Builds the pipeline of an inter-router connection: HTTP CONNECT proxy (a connection dialed through one), TLS,
 * flush consolidation, frame decoder and encoder, handshake handler (replaced by the link handler once the handshake
 * succeeds), exception handler last.
 *
 * <p>Sharable: one per listener or dialer; runs on the new channel's event loop.
 */
public final class LinkInitializer extends ChannelInitializer<Channel> {
    /** Flushes batched before one is forced through, while a read or a burst of core writes is in progress. */
    public static final int FLUSHES_CONSOLIDATED_MAX = 256;

    private final LinkEnvironment env;
    private final boolean outbound;
    private final int configuredCost;
    private final LinkObserver observer;
    private final ActiveLink joining;
    private final ProxyRoute proxy;
    private final int streamId;
    private final StreamConnectionObserver streamObserver;

    LinkInitializer(LinkEnvironment env, boolean outbound, int configuredCost, LinkObserver observer) {
        this(env, outbound, configuredCost, observer, null, null, 0, null);
    }

    private LinkInitializer(LinkEnvironment env, boolean outbound, int configuredCost, LinkObserver observer,
            ActiveLink joining, ProxyRoute proxy, int streamId, StreamConnectionObserver streamObserver) {
        this.env = env;
        this.outbound = outbound;
        this.configuredCost = configuredCost;
        this.observer = observer;
        this.joining = joining;
        this.proxy = proxy;
        this.streamId = streamId;
        this.streamObserver = streamObserver;
    }

    /** For a link this router dials through {@code proxy}. */
    static LinkInitializer viaProxy(LinkEnvironment env, int configuredCost, LinkObserver observer,
            ProxyRoute proxy) {
        return new LinkInitializer(env, true, configuredCost, observer, null, proxy, 0, null);
    }

    /** For a data connection this router dials to join {@code link}, through the link's proxy if it has one. */
    static LinkInitializer dataConnection(LinkEnvironment env, ActiveLink link, LinkObserver observer,
            ProxyRoute proxy) {
        return new LinkInitializer(env, true, link.cost(), observer, link, proxy, 0, null);
    }

    /** For a stream connection this router dials for stream {@code streamId} of {@code link} (no proxy, no TLS). */
    static LinkInitializer streamConnection(LinkEnvironment env, ActiveLink link, int streamId,
            StreamConnectionObserver observer) {
        return new LinkInitializer(env, true, link.cost(), null, link, null, streamId, observer);
    }

    /** For accepted connections of a listener whose configured cost is {@code configuredCost}. */
    public static LinkInitializer inbound(LinkEnvironment env, int configuredCost) {
        return new LinkInitializer(env, false, configuredCost, null);
    }

    @Override
    protected void initChannel(Channel channel) {
        LinkSession session = new LinkSession(env, channel, outbound, configuredCost, observer, joining, proxy);
        if (streamId != 0) {
            session.streamConnection(streamId, streamObserver);
        }
        channel.attr(LinkSession.KEY).set(session);
        env.channels().add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        if (proxy != null) {
            pipeline.addLast(HandlerNames.PROXY, proxy.newHandler());
        }
        if (env.tls() != null) {
            pipeline.addLast(HandlerNames.TLS, env.tls().newHandler(channel.alloc(), outbound));
        }
        pipeline.addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(FLUSHES_CONSOLIDATED_MAX, true));
        pipeline.addLast(HandlerNames.TRAFFIC, new LinkTrafficHandler(session.traffic()));
        pipeline.addLast(HandlerNames.FRAME_DECODER, new FrameDecoder(env.settings().maxFrameBytes()));
        pipeline.addLast(HandlerNames.FRAME_ENCODER, env.encoder());
        pipeline.addLast(HandlerNames.HANDSHAKE, new LinkHandshakeHandler(session));
        pipeline.addLast(HandlerNames.EXCEPTIONS, env.exceptionHandler());
    }
}
