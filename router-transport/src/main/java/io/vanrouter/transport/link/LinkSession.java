package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.transport.LinkView;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.wire.FrameType;
import io.vanrouter.transport.wire.LinkCostFrame;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The state of one inter-router connection, shared by its handshake and link handlers: direction, peer, phase and
 * why it ended. Fields are written on the owning event loop only; those read by views are volatile.
 */
public final class LinkSession {
    /** How long a CLOSE or REFUSE may take to drain before the connection is closed regardless. */
    public static final long CLOSE_LINGER_MILLIS = 2_000;

    static final AttributeKey<LinkSession> KEY = AttributeKey.valueOf(LinkSession.class, "session");

    enum Phase { HANDSHAKING, ACTIVE, CLOSING }

    private final LinkEnvironment env;
    private final Channel channel;
    private final boolean outbound;
    private volatile int configuredCost;
    /** The peer's configured cost, from its HANDSHAKE and then its LINK_COST frames (0 before the handshake). */
    private volatile int peerConfiguredCost;
    private final LinkObserver observer;
    /** For a data connection this router dials: the link it joins; else null. */
    private final ActiveLink joining;
    /** The proxy this router dialed this connection through; null for a direct or accepted connection. */
    private final ProxyRoute proxy;
    /** For a stream connection this router dials: the stream it carries and who hears of it; else 0 and null. */
    private int streamId;
    private StreamConnectionObserver streamObserver;
    /** The peer's HANDSHAKE offered stream connections (docs/protocol.md, section 5.3). */
    private volatile boolean peerTakesStreamConnections;
    private final long sinceNanos = System.nanoTime();
    private final LinkTraffic traffic = new LinkTraffic();
    private volatile String remote;
    private volatile String peerId;
    private volatile boolean peerIsEdge;
    private volatile Liveness peerLiveness;
    private volatile Phase phase = Phase.HANDSHAKING;
    private ActiveLink link;
    private volatile boolean data;
    private ReasonCode endCode;
    private String endReason;

    LinkSession(LinkEnvironment env, Channel channel, boolean outbound, int configuredCost, LinkObserver observer,
            ActiveLink joining, ProxyRoute proxy) {
        this.env = env;
        this.proxy = proxy;
        this.channel = channel;
        this.outbound = outbound;
        this.configuredCost = configuredCost;
        this.observer = observer;
        this.joining = joining;
        this.remote = proxy != null ? proxy.describe() : format(channel.remoteAddress());
    }

    /** The session of a link channel, or null for other channels. */
    public static LinkSession of(Channel channel) {
        return channel.attr(KEY).get();
    }

    /** "127.0.0.1:41234"; the socket address without the leading slash. */
    public static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    LinkEnvironment env() {
        return env;
    }

    Channel channel() {
        return channel;
    }

    boolean outbound() {
        return outbound;
    }

    String direction() {
        return outbound ? "out" : "in";
    }

    int configuredCost() {
        return configuredCost;
    }

    /** The cost both ends use: the larger of their configured costs. */
    public int agreedCost() {
        return Math.max(configuredCost, peerConfiguredCost);
    }

    void peerConfiguredCost(int cost) {
        peerConfiguredCost = cost;
    }

    /**
     * A reload changed this end's configured cost: tells the peer (LINK_COST) and, when the agreed cost moves, the
     * routing core. Owning event loop; an active link only.
     */
    public void changeConfiguredCost(int cost) {
        if (isData()) {
            return; // a data connection's cost is its link's
        }
        int before = agreedCost();
        configuredCost = cost;
        if (phase != Phase.ACTIVE || link == null) {
            return;
        }
        channel.writeAndFlush(new LinkCostFrame(cost), channel.voidPromise());
        reportCost(before, "this end's configured cost is now " + cost);
    }

    /** The peer's LINK_COST: its configured cost changed. Owning event loop. */
    void onPeerCost(int cost) {
        int before = agreedCost();
        peerConfiguredCost = cost;
        reportCost(before, "the peer's configured cost is now " + cost);
    }

    private void reportCost(int before, String why) {
        int agreed = agreedCost();
        if (agreed != before && link != null) {
            LinkHandshakeHandler.LOG.info("{} link cost {} -> {} ({})", tag(), before, agreed, why);
            env.core().submitLinkCost(link.linkId(), agreed);
        }
    }

    LinkObserver observer() {
        return observer;
    }

    String remote() {
        return remote;
    }

    /** Refreshes the remote address once the channel is connected (through a proxy: the peer and the proxy). */
    void connected() {
        remote = proxy != null ? proxy.describe() : format(channel.remoteAddress());
    }

    /** The proxy this router dialed this connection through, or null. */
    ProxyRoute proxy() {
        return proxy;
    }

    String peerId() {
        return peerId;
    }

    /** This connection's bytes and frames each way. */
    LinkTraffic traffic() {
        return traffic;
    }

    /** Whether the peer said in its handshake that it is an edge router. */
    public boolean peerIsEdge() {
        return peerIsEdge;
    }

    void peerIsEdge(boolean edge) {
        this.peerIsEdge = edge;
    }

    /** The hello and dead intervals the peer announced in its handshake; null when it announced none. */
    public Liveness peerLiveness() {
        return peerLiveness;
    }

    void peerLiveness(Liveness liveness) {
        this.peerLiveness = liveness;
    }

    void peerId(String id) {
        this.peerId = id;
    }

    ActiveLink link() {
        return link;
    }

    Phase phase() {
        return phase;
    }

    void activate(ActiveLink activeLink) {
        this.link = activeLink;
        this.phase = Phase.ACTIVE;
    }

    /** This connection became a data connection of {@code activeLink}. */
    void activateData(ActiveLink activeLink) {
        this.data = true;
        activate(activeLink);
    }

    /** The link an outbound data connection joins, or null when this connection is (to become) a link. */
    ActiveLink joining() {
        return joining;
    }

    /** Makes this outbound connection a stream connection for {@code id} of the link it joins; before connecting. */
    void streamConnection(int id, StreamConnectionObserver observer) {
        this.streamId = id;
        this.streamObserver = observer;
    }

    /** The stream this outbound connection carries, or 0. */
    int streamId() {
        return streamId;
    }

    StreamConnectionObserver streamObserver() {
        return streamObserver;
    }

    void peerTakesStreamConnections(boolean takes) {
        this.peerTakesStreamConnections = takes;
    }

    /**
     * Whether streams of this link may move to stream connections: both ends offer them, and the link is plain TCP
     * without a proxy (a stream connection carries raw bytes, so no TLS; and it is spliced, so no tunnel).
     */
    public boolean streamConnectionsAgreed() {
        return peerTakesStreamConnections && env.dataPlane().takesStreamConnections() && env.tls() == null
                && proxy == null && env.dataDialer() != null;
    }

    /** True for a data connection (after its handshake, or from the start when this router dialed it). */
    boolean isData() {
        return data || joining != null;
    }

    /** Log prefix: "[a]" before the handshake, "[a L3 peer=b]" after it, "[a L3 peer=b data]" on a data connection. */
    String tag() {
        return link == null ? "[" + env.routerId() + "]"
                : "[" + env.routerId() + " L" + link.linkId() + " peer=" + link.peerId() + (data ? " data]" : "]");
    }

    /** "from 127.0.0.1:41234" or "to 127.0.0.1:55672". */
    String fromOrTo() {
        return (outbound ? "to " : "from ") + remote;
    }

    ReasonCode endCode() {
        return endCode;
    }

    /** Why the connection ended; "connection lost" when no reason was recorded. */
    String endReason() {
        return endReason == null ? "connection lost" : endReason;
    }

    /** Records why the connection ends; the first reason wins. */
    void recordEnd(ReasonCode code, String reason) {
        if (endReason == null) {
            endCode = code;
            endReason = reason;
        }
    }

    boolean closing() {
        return phase == Phase.CLOSING;
    }

    /** Why this connection is being closed by this router, or null while it is not. Any thread. */
    String closingReason() {
        return phase == Phase.CLOSING ? endReason() : null;
    }

    /**
     * Tells the peer why (REFUSE during the handshake, CLOSE after it), then closes: at once on an embedded channel,
     * once the frame is written for {@link ReasonCode#DEAD_INTERVAL}, else when the peer closes or after
     * {@link #CLOSE_LINGER_MILLIS}. Idempotent; owning event loop.
     */
    void closeWith(ReasonCode code, String text) {
        if (phase == Phase.CLOSING) {
            return;
        }
        ReasonFrame frame = phase == Phase.ACTIVE ? ReasonFrame.close(code, text) : ReasonFrame.refuse(code, text);
        recordEnd(code, frame.describe());
        phase = Phase.CLOSING; // after the reason: a thread that sees CLOSING sees why (closingReason)
        if (frame.type() == FrameType.REFUSE) {
            env.counters().refusalSent(code);
        }
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        // Half-close after the frame: the peer still gets to send its own REFUSE (both ends log a refusal) and
        // closes when it has read ours; the linger timer bounds a peer that never does. A peer past its dead interval
        // is not heard, so waiting for it would only hold the link and the dialer's redial for the linger time.
        boolean awaitPeer = code != ReasonCode.DEAD_INTERVAL;
        channel.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess() && awaitPeer && channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            } else {
                channel.close();
            }
        });
        ScheduledFuture<?> linger = channel.eventLoop().schedule(() -> channel.close(), CLOSE_LINGER_MILLIS,
                TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> linger.cancel(false));
    }

    /**
     * Moves this connection onto {@code loop} (an accepted link onto the control loop): reads pause while it moves,
     * writes queued meanwhile are flushed once it is there. Owning event loop.
     */
    void moveTo(EventLoop loop) {
        moveTo(loop, () -> { });
    }

    /** As {@link #moveTo(EventLoop)}, then runs {@code then} on {@code loop} before flushing. */
    void moveTo(EventLoop loop, Runnable then) {
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                closeNow(null, "cannot move to another event loop: " + Errors.describe(deregistered.cause()));
                return;
            }
            loop.register(channel).addListener(registered -> {
                if (registered.isSuccess()) {
                    then.run();
                    channel.flush();
                } else {
                    recordEnd(null, "cannot move to another event loop: " + Errors.describe(registered.cause()));
                    channel.close();
                    // Closed while registered nowhere (e.g. displaced by a newer link during the move): Netty fires no
                    // channelInactive for such a channel, so its handler would never unregister the link and the
                    // peer's every redial would be refused as a duplicate. Deliver the event here.
                    channel.pipeline().fireChannelInactive();
                }
            });
        });
    }

    /** Closes at once without a frame (the peer is not reading, or not speaking this protocol). */
    void closeNow(ReasonCode code, String reason) {
        recordEnd(code, reason);
        phase = Phase.CLOSING;
        channel.close();
    }

    /** Sends CLOSE (or REFUSE) RECONFIGURED with {@code why} and closes; owning event loop. */
    public void closeForReload(String why) {
        closeWith(ReasonCode.RECONFIGURED, why);
    }

    /** Sends CLOSE (or REFUSE) SHUTDOWN and closes; owning event loop. */
    public void shutdown() {
        closeWith(ReasonCode.SHUTDOWN, "router shutting down");
    }

    /** The view of a connection still handshaking. Any thread. */
    public LinkView view(long nowNanos) {
        return new LinkView(-1, peerId, direction(), remote, streamId != 0 ? "handshaking (stream)"
                : isData() ? "handshaking (data)" : "handshaking", configuredCost,
                TimeUnit.NANOSECONDS.toMillis(nowNanos - sinceNanos), null, 0);
    }
}
