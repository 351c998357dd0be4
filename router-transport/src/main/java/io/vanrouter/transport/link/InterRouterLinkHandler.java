package io.vanrouter.transport.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.message.Hello;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.wire.FrameType;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.LinkCostFrame;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.WireException;
import io.vanrouter.transport.wire.WireLimits;
import org.slf4j.Logger;

/**
 * An active inter-router link: passes decoded HELLO and LINK_STATE to the core, handles the peer's CLOSE, closes the
 * link as a slow link when more than {@link #PENDING_BYTES_MAX} outbound bytes are pending, and reports the link down
 * to the core exactly once, with the reason.
 *
 * <p>Liveness: a peer's hellos can wait behind megabytes of data on the same connection, so any bytes read on the
 * link prove the neighbour alive. After a read that brought bytes the handler tells the core
 * ({@link io.vanrouter.transport.CoreEvents#submitLinkActivity}) at most once per
 * {@link io.vanrouter.transport.CoreEvents#linkActivityIntervalNanos()}: one timestamp per link and one clock read per
 * read batch (not per frame). A read batch that brought a HELLO reports nothing more: the core restarts the dead timer
 * for the hello itself, so an idle link costs the core one command per hello, not two.
 *
 * <p>One per channel; owning event loop.
 */
public final class InterRouterLinkHandler extends ChannelDuplexHandler {
    /** Outbound bytes a link may have pending before it is closed as a slow link (NATS "slow consumer"). */
    public static final long PENDING_BYTES_MAX = 8L << 20;

    /**
     * The slow-link limit for a link with this frame limit: {@link #PENDING_BYTES_MAX} on top of the largest frame
     * sent in fragments, so that one large address snapshot never counts as a slow link.
     */
    static long pendingBytesMax(int maxFrameBytes) {
        return PENDING_BYTES_MAX + WireLimits.reassembledBytesMax(maxFrameBytes);
    }

    private static final Logger LOG = LinkHandshakeHandler.LOG;

    private final LinkSession session;
    private final long pendingBytesMax;
    private final long activityIntervalNanos;
    private long activityReportedNanos;
    private long bytesInSeen;
    /** A HELLO was passed to the core in the current read batch. */
    private boolean helloInBatch;
    private boolean downReported;

    InterRouterLinkHandler(LinkSession session) {
        this(session, PENDING_BYTES_MAX);
    }

    InterRouterLinkHandler(LinkSession session, long pendingBytesMax) {
        this.session = session;
        this.pendingBytesMax = pendingBytesMax;
        this.activityIntervalNanos = session.env().core().linkActivityIntervalNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        activityReportedNanos = ctx.executor().ticker().nanoTime(); // link up counts as the first proof
        bytesInSeen = session.traffic().bytesIn();
        TransportCounters counters = session.env().counters();
        counters.peerTraffic(session.link().peerId()).attach(session.traffic());
        if (!session.isData()) {
            counters.linkEstablished(session.link().peerId());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Only bytes prove the peer alive: a read that found the connection ended (EOF, reset) completes too.
        long bytesIn = session.traffic().bytesIn();
        boolean bytesRead = bytesIn != bytesInSeen;
        bytesInSeen = bytesIn;
        if (bytesRead && !session.closing()) {
            long now = ctx.executor().ticker().nanoTime();
            if (helloInBatch) {
                activityReportedNanos = now; // the hello itself restarts the dead timer: no second command for it
            } else if (now - activityReportedNanos >= activityIntervalNanos) {
                activityReportedNanos = now;
                session.env().core().submitLinkActivity(session.link().linkId());
            }
        }
        helloInBatch = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.traffic().frameIn();
        if (session.closing()) {
            if (msg instanceof ReasonFrame reason) {
                InterRouterLinkHandler.onReasonFrame(session, reason); // the peer refused too: log its reason
            }
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof StreamFrame frame) {
            session.env().dataPlane().frame(session.link(), frame, ctx.channel());
        } else if (msg instanceof MessageFrame || msg instanceof MessageAck) {
            session.env().messages().onLinkMessage(session.link(), msg);
        } else if (msg instanceof ControlMessage message && session.isData()) {
            fail(ReasonCode.PROTOCOL_ERROR, message.getClass().getSimpleName() + " on a data connection");
        } else if (msg instanceof ControlMessage message) {
            session.env().core().submitMessage(session.link().linkId(), message);
            helloInBatch |= message instanceof Hello;
        } else if (msg instanceof ReasonFrame reason) {
            onReasonFrame(session, reason);
        } else if (msg instanceof LinkCostFrame linkCost) {
            if (!session.isData()) {
                session.onPeerCost(linkCost.cost());
            }
        } else if (msg instanceof HandshakeFrame) {
            fail(ReasonCode.PROTOCOL_ERROR, "HANDSHAKE after the handshake completed");
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** A REFUSE or CLOSE from the peer, in either phase: log it, remember it as the end reason and close. */
    static void onReasonFrame(LinkSession session, ReasonFrame frame) {
        String by = session.peerId() == null ? "peer" : session.peerId();
        if (frame.type() == FrameType.REFUSE) {
            session.env().counters().refusalReceived(frame.reasonCode());
            if (frame.reasonCode() == ReasonCode.DUPLICATE_LINK.code()) {
                LOG.info("{} link {} refused by {}: {}", session.tag(), session.fromOrTo(), by, frame.describe());
            } else {
                LOG.warn("{} link {} refused by {}: {}", session.tag(), session.fromOrTo(), by, frame.describe());
            }
            session.closeNow(ReasonCode.fromCode(frame.reasonCode()), "refused by " + by + ": " + frame.describe());
        } else if (isProtocolFault(frame.reasonCode()) || isCredentialFault(frame.reasonCode())) {
            // The peer says this router broke the protocol (a bug or a version mismatch) or that its credentials no
            // longer hold (revoked): worth an operator's look.
            LOG.warn("{} link {} closed by {}: {}", session.tag(), session.fromOrTo(), by, frame.describe());
            session.closeNow(ReasonCode.fromCode(frame.reasonCode()), "closed by " + by + ": " + frame.describe());
        } else {
            LOG.debug("{} CLOSE from {}: {}", session.tag(), by, frame.describe());
            session.closeNow(ReasonCode.fromCode(frame.reasonCode()), "closed by " + by + ": " + frame.describe());
        }
    }

    private static boolean isCredentialFault(int code) {
        return code == ReasonCode.AUTHENTICATION_FAILED.code() || code == ReasonCode.CERTIFICATE_REVOKED.code();
    }

    private static boolean isProtocolFault(int code) {
        return code == ReasonCode.MALFORMED_FRAME.code() || code == ReasonCode.FRAME_TOO_LARGE.code()
                || code == ReasonCode.PROTOCOL_ERROR.code();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (session.closing() && (msg instanceof ControlMessage || msg instanceof StreamFrame
                || msg instanceof MessageFrame || msg instanceof MessageAck)) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess(); // the link is going; the core learns it from the link-down event
            return;
        }
        session.traffic().frameOut();
        ctx.write(msg, promise);
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer != null && buffer.totalPendingWriteBytes() > pendingBytesMax && !session.closing()) {
            session.env().counters().slowLinkClose();
            String reason = "slow link (pending " + buffer.totalPendingWriteBytes() + " bytes > " + pendingBytesMax
                    + ")";
            LOG.warn("{} closing link: {}", session.tag(), reason);
            session.closeNow(ReasonCode.SLOW_LINK, ReasonCode.SLOW_LINK.name() + ": " + reason);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        LOG.debug("{} writable: {}", session.tag(), ctx.channel().isWritable());
        if (ctx.channel().isWritable()) {
            session.env().dataPlane().writable(session.link(), ctx.channel());
            session.env().messages().onConnectionWritable(session.link(), ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WireException wire) {
            fail(wire.reason(), wire.getMessage());
        } else {
            session.recordEnd(null, "connection lost: " + io.vanrouter.transport.netty.Errors.describe(cause));
            ctx.fireExceptionCaught(cause);
        }
    }

    /** The peer broke the protocol on an active link: log, send CLOSE with the reason, close. */
    private void fail(ReasonCode reason, String text) {
        if (session.closing()) {
            return;
        }
        LOG.warn("{} closing link {}: {}: {}", session.tag(), session.fromOrTo(), reason.words(), text);
        session.closeWith(reason, text);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!downReported) {
            session.env().counters().peerTraffic(session.link().peerId()).detach(session.traffic());
        }
        if (!downReported && session.isData()) {
            downReported = true;
            dataConnectionDown(ctx);
        } else if (!downReported) {
            downReported = true;
            ActiveLink link = session.link();
            LinkEnvironment env = session.env();
            env.registry().remove(link);
            env.counters().linkLost(link.peerId());
            String reason = session.endReason();
            env.core().submitLinkDown(link.linkId(), reason);
            env.dataPlane().linkDown(link, reason);
            env.messages().onLinkDown(link);
            link.data().closeAll().forEach(io.netty.channel.Channel::close);
            LOG.info("{} link down: {}", session.tag(), reason);
            if (session.observer() != null) {
                session.observer().connectionClosed(link.peerId(), session.endCode(), reason);
            }
        }
        ctx.fireChannelInactive();
    }

    /** Only this data connection's streams are reset; the link and its other connections carry on. */
    private void dataConnectionDown(ChannelHandlerContext ctx) {
        ActiveLink link = session.link();
        LinkEnvironment env = session.env();
        // Closed because its link is closing (the peer closes data connections when it reads the link's CLOSE, often
        // before this router's own link-down runs): the streams are reset for the link's reason, not "connection lost".
        String linkClosing = link.session().closingReason();
        String reason = linkClosing != null ? "link closing: " + linkClosing : session.endReason();
        link.data().detach(ctx.channel());
        env.dataPlane().connectionDown(link, ctx.channel(), reason);
        env.messages().onConnectionDown(link, ctx.channel());
        if (env.registry().isCurrent(link) && session.endCode() != ReasonCode.SHUTDOWN) {
            LOG.info("{} data connection down: {}", session.tag(), reason);
        } else {
            LOG.debug("{} data connection down with its link: {}", session.tag(), reason); // link down says why
        }
        if (session.observer() != null) {
            session.observer().connectionClosed(link.peerId(), session.endCode(), reason);
        }
    }
}
