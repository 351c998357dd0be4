package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.tls.TlsFailures;
import io.vanrouter.transport.wire.FrameDecoder;
import io.vanrouter.transport.wire.FrameEncoder;
import io.vanrouter.transport.wire.FrameNames;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.Preamble;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import io.vanrouter.transport.wire.WireException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handshake of one connection: sends this router's preamble as soon as it is connected (and its HANDSHAKE too
 * when it dialed; a listener answers with its HANDSHAKE only after admitting the dialer's), validates the peer's
 * HANDSHAKE, admits the link in the {@link LinkRegistry} and then hands the pipeline over to an
 * {@link InterRouterLinkHandler}. Every refusal is logged at WARN with router id, address, peer and reason, and sent
 * to the peer in a REFUSE frame; any frame other than HANDSHAKE or REFUSE before the handshake is refused with
 * PROTOCOL_ERROR.
 *
 * <p>One per channel; owning event loop.
 */
public final class LinkHandshakeHandler extends ChannelInboundHandlerAdapter {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.link");

    private final LinkSession session;
    private ScheduledFuture<?> timeout;
    private boolean started;
    private boolean handedOver;

    LinkHandshakeHandler(LinkSession session) {
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        session.connected();
        LinkEnvironment env = session.env();
        TransportSettings settings = env.settings();
        env.registry().handshakeStarted(session);
        ctx.write(Preamble.CURRENT);
        if (session.outbound()) {
            int role = session.streamId() != 0 ? HandshakeFrame.ROLE_STREAM
                    : session.isData() ? HandshakeFrame.ROLE_DATA : HandshakeFrame.ROLE_LINK;
            ctx.write(ownHandshake(role, session.streamId()));
        }
        ctx.flush();
        long millis = settings.handshakeTimeoutMillis();
        timeout = ctx.executor().schedule(
                () -> refuse(ReasonCode.HANDSHAKE_TIMEOUT, "no handshake within " + millis + " ms"),
                millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.closing()) {
            if (msg instanceof ReasonFrame reason) {
                InterRouterLinkHandler.onReasonFrame(session, reason); // the peer refused too: log its reason
            }
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HandshakeFrame handshake) {
            onHandshake(ctx, handshake);
        } else if (msg instanceof ReasonFrame reason) {
            InterRouterLinkHandler.onReasonFrame(session, reason);
        } else {
            // Only HANDSHAKE and REFUSE may come first; control or data-plane frames (MESSAGE, STREAM_*, ...) from a
            // peer that skipped the handshake refuse the link. Released here: nothing after this handler owns them.
            String type = FrameNames.nameOf(msg);
            ReferenceCountUtil.release(msg);
            refuse(ReasonCode.PROTOCOL_ERROR, type + " frame before handshake");
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, HandshakeFrame peer) {
        TransportSettings settings = session.env().settings();
        session.peerId(peer.routerId());
        if (peer.routerId().equals(settings.routerId())) {
            refuse(ReasonCode.DUPLICATE_ROUTER_ID, "peer uses this router's id");
            return;
        }
        LinkTls tls = session.env().tls();
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        LinkTls.Refusal refusal = tls == null || ssl == null ? null
                : tls.checkPeer(ssl.engine().getSession(), peer.routerId());
        if (refusal != null) {
            refuse(refusal.reason(), refusal.text());
            return;
        }
        if (!peer.network().equals(settings.network())) {
            refuse(ReasonCode.NETWORK_MISMATCH,
                    "peer network '" + peer.network() + "' differs from '" + settings.network() + "'");
            return;
        }
        String modeRefusal = modeRefusal(settings.mode(), peer.modeCode(), session.outbound());
        if (modeRefusal != null) {
            refuse(ReasonCode.MODE_NOT_SUPPORTED, modeRefusal);
            return;
        }
        session.peerIsEdge(peer.modeCode() == RouterMode.EDGE.code());
        session.peerLiveness(Liveness.announced(peer.helloIntervalMillis(), peer.deadIntervalMillis()));
        session.peerTakesStreamConnections(peer.takesStreamConnections());
        if (session.streamId() != 0 || peer.isStream()) {
            onStreamHandshake(ctx, peer);
            return;
        }
        if (session.joining() != null || peer.isData()) {
            onDataHandshake(ctx, peer);
            return;
        }
        if (peer.role() != HandshakeFrame.ROLE_LINK) {
            refuse(ReasonCode.PROTOCOL_ERROR, "unknown connection role " + peer.role());
            return;
        }
        session.peerConfiguredCost(peer.cost());
        int cost = session.agreedCost();
        int dataConnections = Math.min(session.env().dataConnections(), peer.dataConnections());
        LinkRegistry.Admission admission = session.env().registry().admit(session, peer.routerId(),
                peer.instance(), cost, dataConnections);
        if (admission.link() == null) {
            refuse(admission.refusal(), admission.text());
            return;
        }
        activate(ctx, admission);
    }

    /**
     * A data connection (docs/protocol.md, section 5.1): the dialer names the link it joins by its own router id and
     * boot id; the listener accepts it only for the current link that router dialed, up to the agreed number, and
     * answers with a data HANDSHAKE. The dialer checks that the answer comes from the same peer instance.
     */
    private void onDataHandshake(ChannelHandlerContext ctx, HandshakeFrame peer) {
        LinkRegistry registry = session.env().registry();
        ActiveLink link;
        if (session.joining() != null) {
            link = session.joining();
            if (!peer.isData() || !peer.routerId().equals(link.peerId()) || peer.instance() != link.peerInstance()) {
                refuse(ReasonCode.PROTOCOL_ERROR, "answer to a data connection is not a data HANDSHAKE from "
                        + link.peerId() + " instance " + link.peerInstance());
                return;
            }
            if (!registry.isCurrent(link)) {
                refuse(ReasonCode.UNKNOWN_LINK, "link L" + link.linkId() + " to " + link.peerId() + " is gone");
                return;
            }
        } else {
            link = registry.linkForData(peer.routerId(), peer.instance());
            if (link == null) {
                refuse(ReasonCode.UNKNOWN_LINK, "no link dialed by " + peer.routerId() + " instance "
                        + peer.instance() + " for this data connection to join");
                return;
            }
        }
        DataConnectionDialer loops = session.env().dataDialer();
        EventLoop home = session.outbound() || loops == null ? null
                : link.data().homeFor(ctx.channel().eventLoop(), loops.loops());
        if (home != null) {
            timeout.cancel(false); // reads pause while it moves; the dialer's wait for our answer bounds the move
            session.moveTo(home, () -> completeData(ctx, link));
            return;
        }
        completeData(ctx, link);
    }

    /**
     * A stream connection (docs/protocol.md, section 5.3): admitted like a data connection (the current link that
     * router dialed, same instance), on a link where both ends offered stream connections. The listener answers with
     * a stream HANDSHAKE naming the same stream; from then on the connection carries raw bytes and belongs to the
     * stream (the data plane), or is closed when the stream cannot move.
     */
    private void onStreamHandshake(ChannelHandlerContext ctx, HandshakeFrame peer) {
        ActiveLink link;
        if (session.streamId() != 0) {
            link = session.joining();
            if (!peer.isStream() || !peer.routerId().equals(link.peerId()) || peer.instance() != link.peerInstance()
                    || peer.streamId() != session.streamId()) {
                refuse(ReasonCode.PROTOCOL_ERROR, "answer to a stream connection is not a stream HANDSHAKE from "
                        + link.peerId() + " instance " + link.peerInstance() + " for stream "
                        + Integer.toUnsignedString(session.streamId()));
                return;
            }
        } else {
            link = session.env().registry().linkForData(peer.routerId(), peer.instance());
            if (link == null) {
                refuse(ReasonCode.UNKNOWN_LINK, "no link dialed by " + peer.routerId() + " instance "
                        + peer.instance() + " for this stream connection to join");
                return;
            }
            if (!link.streamConnections()) {
                refuse(ReasonCode.PROTOCOL_ERROR, "link L" + link.linkId() + " takes no stream connections");
                return;
            }
            if (peer.streamId() == 0) {
                refuse(ReasonCode.PROTOCOL_ERROR, "stream connection for stream id 0");
                return;
            }
            int early = undecodedBytes(ctx);
            if (early > 0) {
                // A dialer sends nothing between its HANDSHAKE and our answer, so these bytes are frames, not stream
                // bytes: most likely its REFUSE after it gave up waiting (this router was stalled). Left to the
                // decoder, which reads them next; handed over, they would reach no handler.
                refuse(ReasonCode.PROTOCOL_ERROR, early + " bytes came behind the stream HANDSHAKE before the answer");
                return;
            }
            ctx.writeAndFlush(ownHandshake(HandshakeFrame.ROLE_STREAM, peer.streamId()));
        }
        timeout.cancel(false);
        handedOver = true;
        session.env().registry().handshakeEnded(session);
        Channel channel = ctx.channel();
        channel.config().setAutoRead(false);
        channel.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true); // FIN ends one direction
        ChannelPipeline pipeline = ctx.pipeline();
        if (session.streamId() != 0) {
            pipeline.addBefore(HandlerNames.EXCEPTIONS, HandlerNames.SOCKET_END,
                    session.streamObserver().answered(channel));
        }
        // The decoder goes last: bytes it holds beyond the HANDSHAKE reach the raw handler as a read.
        pipeline.remove(this);
        for (String name : new String[] {HandlerNames.TRAFFIC, HandlerNames.FRAME_ENCODER,
                HandlerNames.FRAME_DECODER}) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
        LOG.debug("{} stream connection for stream {} of L{} up ({}, {})", session.tag(),
                Integer.toUnsignedString(peer.streamId()), link.linkId(), session.direction(), session.remote());
        if (session.streamId() == 0) {
            session.env().dataPlane().streamConnection(link, peer.streamId(), channel);
        }
    }

    private static int undecodedBytes(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(HandlerNames.FRAME_DECODER) instanceof FrameDecoder decoder
                ? decoder.undecodedBytes() : 0;
    }

    /** Attaches an admitted data connection to its link, answers an accepted one, hands over to the link handler. */
    private void completeData(ChannelHandlerContext ctx, ActiveLink link) {
        if (!ctx.channel().isActive()) {
            return;
        }
        LinkRegistry registry = session.env().registry();
        if (!link.data().attach(ctx.channel())) {
            refuse(ReasonCode.UNKNOWN_LINK, "link L" + link.linkId() + " takes no more data connections ("
                    + link.data().agreed() + " agreed)");
            return;
        }
        if (!session.outbound()) {
            ctx.writeAndFlush(ownHandshake(HandshakeFrame.ROLE_DATA));
        }
        timeout.cancel(false);
        handedOver = true;
        registry.handshakeEnded(session);
        session.activateData(link);
        ctx.pipeline().replace(this, HandlerNames.LINK, new InterRouterLinkHandler(session,
                InterRouterLinkHandler.pendingBytesMax(session.env().settings().maxFrameBytes())));
        LOG.info("{} data connection up ({}, {}, {} of {})", session.tag(), session.direction(), session.remote(),
                link.data().count(), link.data().agreed());
        if (session.observer() != null) {
            session.observer().handshakeCompleted(link.peerId());
        }
    }

    /**
     * The dialer sends its HANDSHAKE at once; the listener answers with its own only once it has admitted the dialer,
     * and with a REFUSE otherwise, so a refused dialer never takes the link for up (docs/protocol.md, section 3).
     */
    private HandshakeFrame ownHandshake(int role) {
        return ownHandshake(role, 0);
    }

    private HandshakeFrame ownHandshake(int role, int streamId) {
        LinkEnvironment env = session.env();
        TransportSettings settings = env.settings();
        Liveness own = env.core().liveness();
        boolean streamConnections = env.dataPlane().takesStreamConnections() && env.tls() == null
                && env.dataDialer() != null;
        return new HandshakeFrame(settings.mode().code(), session.configuredCost(), settings.instance(),
                settings.routerId(), settings.network(), role, env.dataConnections(), own.helloIntervalMillis(),
                own.deadIntervalMillis(), streamConnections ? HandshakeFrame.FEATURE_STREAM_CONNECTIONS : 0,
                streamId);
    }

    private void activate(ChannelHandlerContext ctx, LinkRegistry.Admission admission) {
        ActiveLink link = admission.link();
        LinkEnvironment env = session.env();
        if (!session.outbound()) {
            ctx.writeAndFlush(ownHandshake(HandshakeFrame.ROLE_LINK)); // before anything the link sends once it is up
        }
        timeout.cancel(false);
        handedOver = true;
        env.registry().handshakeEnded(session);
        session.activate(link);
        env.dataPlane().linkUp(link);
        ctx.pipeline().replace(this, HandlerNames.LINK, new InterRouterLinkHandler(session,
                InterRouterLinkHandler.pendingBytesMax(session.env().settings().maxFrameBytes())));
        env.core().submitLinkUp(link.linkId(), link.peerId(), link.peerInstance(), link.cost(), link.peerIsEdge(),
                session.peerLiveness());
        LOG.info("{} link up ({}, {}, cost {})", session.tag(), session.direction(), session.remote(), link.cost());
        if (session.observer() != null) {
            session.observer().handshakeCompleted(link.peerId());
        }
        if (session.outbound() && env.dataDialer() != null && link.data().agreed() > 0) {
            env.dataDialer().dial(link);
        }
        if (env.controlLoop() != null && ctx.channel().eventLoop() != env.controlLoop()) {
            session.moveTo(env.controlLoop()); // accepted on a data loop; dialed links start on the control loop
        }
        ActiveLink displaced = admission.displaced();
        if (displaced != null && !displaced.channel().isOpen()) {
            // Its connection is closed but it was still registered: its link-down is on its way, or was never fired
            // (closed while moving between loops). Report it now; the link handler ignores a second report.
            LOG.info("{} replaces L{} to {}, whose connection is already closed", session.tag(), displaced.linkId(),
                    displaced.peerId());
            displaced.channel().pipeline().fireChannelInactive();
        } else if (displaced != null) {
            LOG.info("{} replaces L{} to {}: keeping the connection dialed by the smaller router id",
                    session.tag(), displaced.linkId(), displaced.peerId());
            displaced.close(ReasonCode.DUPLICATE_LINK, "replaced by link dialed by "
                    + (session.outbound() ? env.routerId() : link.peerId()));
        }
    }

    /**
     * Why a link between a router in mode {@code own} and a peer in mode {@code peerCode} cannot be, or null: interior
     * routers link to each other either way; an edge router only dials interior routers (its uplinks), which take it
     * on their listeners.
     */
    static String modeRefusal(RouterMode own, int peerCode, boolean dialed) {
        boolean peerEdge = peerCode == RouterMode.EDGE.code();
        if (!peerEdge && peerCode != RouterMode.INTERIOR.code()) {
            return "peer mode " + modeName(peerCode) + " is not supported";
        }
        if (own == RouterMode.EDGE && peerEdge) {
            return "edge routers do not link to each other; an edge dials interior routers";
        }
        if (own == RouterMode.EDGE && !dialed) {
            return "this router is an edge router: it only dials its uplinks and takes no links";
        }
        if (peerEdge && dialed) {
            return "this router dialed an edge router; edge routers dial their uplinks, interiors never dial them";
        }
        return null;
    }

    private static String modeName(int code) {
        try {
            return RouterMode.fromCode(code).name();
        } catch (IllegalArgumentException e) {
            return "code " + code;
        }
    }

    /** Logs the refusal on this side and sends REFUSE to the peer. */
    private void refuse(ReasonCode reason, String text) {
        if (session.closing()) {
            return;
        }
        String peer = session.peerId() == null ? "?" : session.peerId();
        if (reason == ReasonCode.DUPLICATE_LINK) {
            LOG.info("{} refused link {} (peer {}): {}: {}", session.tag(), session.fromOrTo(), peer, reason.words(),
                    text);
        } else {
            LOG.warn("{} refused link {} (peer {}): {}: {}", session.tag(), session.fromOrTo(), peer, reason.words(),
                    text);
        }
        session.closeWith(reason, text);
    }

    /** A failed TLS handshake: logged once, here; the TLS handler closes the connection. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && tunnelNotUp(ctx)) {
            return; // the proxy refused the tunnel, failing TLS's first write: its own failure follows and is reported
        }
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && !session.closing()) {
            session.env().counters().tlsFailure();
            String reason = "TLS handshake failed: " + TlsFailures.describe(done.cause());
            LOG.warn("{} refused link {}: {}", session.tag(), session.fromOrTo(), reason);
            if (TlsFailures.isPlainPeer(done.cause())) { // it reads plain frames: tell it why, beneath TLS
                ctx.pipeline().context(SslHandler.class).writeAndFlush(FrameEncoder.plainRefusal(ctx.alloc(),
                        ReasonCode.AUTHENTICATION_FAILED, "this router's links require TLS; set the same tls section"
                                + " on both routers"));
            }
            session.closeNow(ReasonCode.AUTHENTICATION_FAILED, reason);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ProxyFailures.isProxyFailure(cause)) {
            // The HTTP proxy refused or failed the CONNECT: the dialer logs it with the peer and the proxy, and learns
            // why from the reason recorded here (connectionClosed).
            session.closeNow(null, ProxyFailures.describe(cause));
            return;
        }
        if (TlsFailures.isTls(cause) && tunnelNotUp(ctx)) {
            return; // as in userEventTriggered: the proxy's failure is the one to report
        }
        if (TlsFailures.isTls(cause)) {
            // A failed TLS handshake was logged with its event and the connection is closing. Otherwise the peer
            // refused this router after the handshake completed on this side (TLS 1.3 clients finish first and
            // learn that their certificate was refused from an alert that follows).
            if (!session.closing()) {
                session.env().counters().tlsFailure();
                String reason = "TLS failed: " + TlsFailures.describe(cause);
                LOG.warn("{} refused link {}: {}", session.tag(), session.fromOrTo(), reason);
                session.closeNow(ReasonCode.AUTHENTICATION_FAILED, reason);
            }
            ctx.close();
            return;
        }
        if (!(cause instanceof WireException wire)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (session.closing()) {
            return;
        }
        if (wire.kind() == WireException.Kind.BAD_PREAMBLE) {
            session.env().counters().garbageConnection();
            LOG.warn("{} garbage on inter-router port {}: {}", session.tag(), session.fromOrTo(), wire.getMessage());
            session.closeWith(wire.reason(), wire.getMessage());
            return;
        }
        refuse(wire.reason(), wire.getMessage());
    }

    /** True on a connection dialed through a proxy whose tunnel is not (or no longer) open. */
    private boolean tunnelNotUp(ChannelHandlerContext ctx) {
        if (session.proxy() == null) {
            return false;
        }
        HttpProxyHandler proxy = ctx.pipeline().get(HttpProxyHandler.class);
        return proxy == null || !proxy.isConnected();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        session.env().registry().handshakeEnded(session);
        if (!handedOver && session.observer() != null) {
            session.observer().connectionClosed(session.peerId(), session.endCode(), session.endReason());
        }
        if (!handedOver && session.streamObserver() != null) {
            session.streamObserver().failed(session.endReason() == null ? "closed before the answer"
                    : session.endReason());
        }
        ctx.fireChannelInactive();
    }
}
