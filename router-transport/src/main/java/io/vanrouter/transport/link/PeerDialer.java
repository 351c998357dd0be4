package io.vanrouter.transport.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.LinkProxy;
import io.vanrouter.transport.LinkView;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.wire.ReasonCode;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Dials one configured peer forever. Failed attempts back off exponentially from {@code reconnectInitialMillis} to
 * {@code reconnectMaxMillis} with ±20% jitter, never above {@code reconnectMaxMillis}; a successful handshake resets
 * the delay. An unreachable peer is logged at WARN once, then at DEBUG (with the next delay) until it answers again
 * (INFO). After a DUPLICATE_LINK refusal the dialer waits until
 * the link to that router is gone before it dials again. The peer's host is resolved at every attempt by the
 * bootstrap's non-blocking resolver (cached for the answer's TTL); a name that does not resolve is a failed attempt.
 *
 * <p>A peer with a {@link LinkProxy} is dialed through that HTTP CONNECT proxy: the proxy's host is resolved at every
 * attempt, the peer's host is left to the proxy, and an attempt counts as connected once the proxy has answered
 * CONNECT with 2xx. A refusal (407, 403, 502 ...) is a failed attempt, logged with the proxy's answer and advice.
 *
 * <p>All state changes run on the dialer's own event loop, which its connections also use; views read volatile
 * fields from any thread.
 */
public final class PeerDialer implements LinkObserver {
    /** Jitter applied to every reconnect delay: ±20%. */
    public static final double JITTER_FRACTION = 0.2;
    public static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LinkHandshakeHandler.LOG;

    private enum State { CONNECTING, HANDSHAKING, ACTIVE, BACKOFF, WAITING_FOR_LINK_DOWN }

    private final LinkEnvironment env;
    private volatile Endpoint peer;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final long initialMillis;
    private final long maxMillis;
    private volatile State state = State.BACKOFF;
    private volatile long stateSinceNanos = System.nanoTime();
    private volatile String lastError;
    private volatile String peerId;
    private volatile boolean closed;
    private volatile Channel current; // the connection being made or in use
    private long nextDelayMillis;
    private boolean unreachableLogged;
    private ScheduledFuture<?> retry;

    /** {@code bootstrap} must be configured with channel type and options; the dialer sets group and handler. */
    public PeerDialer(LinkEnvironment env, Endpoint peer, EventLoop loop, Bootstrap bootstrap) {
        this.env = env;
        this.peer = peer;
        this.loop = loop;
        this.initialMillis = Math.max(1, env.settings().reconnectInitialMillis());
        this.maxMillis = Math.max(initialMillis, env.settings().reconnectMaxMillis());
        this.nextDelayMillis = initialMillis;
        this.bootstrap = bootstrap.group(loop)
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new LinkInitializer(env, true, peer.cost(), this));
    }

    public void start() {
        loop.execute(this::connect);
    }

    public Endpoint endpoint() {
        return peer;
    }

    /** The connection being made or in use, or null before the first attempt. Any thread. */
    Channel connection() {
        return current;
    }

    /**
     * A reload changed this peer's cost: the link in use gets it at once (LINK_COST to the peer, the new agreed cost to
     * the routing core; streams stay), later connections are dialed with it. Any thread.
     */
    public void changeCost(int cost) {
        Endpoint next = peer.withCost(cost);
        loop.execute(() -> {
            peer = next;
            bootstrap.handler(new LinkInitializer(env, true, cost, this));
        });
        Channel channel = current;
        if (channel != null) {
            channel.eventLoop().execute(() -> {
                LinkSession session = LinkSession.of(channel);
                if (session != null) {
                    session.changeConfiguredCost(cost);
                }
            });
        }
    }

    /**
     * Stops dialing and closes this dialer's connection with CLOSE RECONFIGURED (a reload removed the peer). A link
     * the peer dialed is not this dialer's and stays. Any thread.
     */
    public void closeForReload(String why) {
        close();
        Channel channel = current;
        if (channel != null) {
            channel.eventLoop().execute(() -> {
                LinkSession session = LinkSession.of(channel);
                if (session != null) {
                    session.closeForReload(why);
                } else {
                    channel.close();
                }
            });
        }
    }

    /** Stops dialing; the current connection, if any, is closed by the server. Any thread. */
    public void close() {
        closed = true;
        loop.execute(() -> {
            if (retry != null) {
                retry.cancel(false);
            }
        });
    }

    private void connect() {
        if (closed) {
            return;
        }
        enter(State.CONNECTING);
        if (peer.proxy() != null) {
            resolveProxy(peer.proxy(), resolverGroup().getResolver(loop));
            return;
        }
        ChannelFuture future = bootstrap.connect(peer.host(), peer.port());
        current = future.channel();
        future.addListener(f -> {
            if (f.isSuccess() && isSelfConnect(future.channel())) {
                // TCP simultaneous open: dialling a port in the ephemeral range that nobody listens on can hand us
                // that very port as our local port. Drop it before it blocks the peer from binding its listener.
                future.channel().close();
                onConnectFailed(new java.net.ConnectException("connected to itself (peer port " + peer.port()
                        + " is in the ephemeral port range and nobody listens on it)"));
            } else if (f.isSuccess()) {
                onConnected();
            } else {
                onConnectFailed(f.cause());
            }
        });
    }

    private AddressResolverGroup<?> resolverGroup() {
        AddressResolverGroup<?> group = bootstrap.config().resolver();
        return group != null ? group : DefaultAddressResolverGroup.INSTANCE;
    }

    /** Resolves the proxy's host without blocking, then dials through it. Dialer loop. */
    private <T extends SocketAddress> void resolveProxy(LinkProxy proxy, AddressResolver<T> resolver) {
        Future<T> resolved = resolver.resolve(InetSocketAddress.createUnresolved(proxy.host(), proxy.port()));
        resolved.addListener(done -> {
            if (closed) {
                return;
            }
            if (!done.isSuccess()) {
                onProxyFailed(new java.net.UnknownHostException("proxy host " + proxy.host() + " does not resolve: "
                        + Errors.describe(done.cause())));
                scheduleRetry(nextBackoff());
                return;
            }
            connectThroughProxy(new ProxyRoute(proxy, resolved.getNow(), peer.host(), peer.port()));
        });
    }

    /**
     * Connects to the proxy and has it open a tunnel to the peer; the link's handshake (and TLS) runs inside it. The
     * connection closes when the proxy refuses, and the handshake handler then reports why ({@link #connectionClosed}).
     */
    private void connectThroughProxy(ProxyRoute route) {
        ChannelFuture future = bootstrap.clone().disableResolver()
                .handler(LinkInitializer.viaProxy(env, peer.cost(), this, route)).connect(route.target());
        Channel channel = future.channel();
        current = channel;
        future.addListener(f -> {
            if (!f.isSuccess()) { // no TCP connection to the proxy
                onProxyFailed(f.cause());
                scheduleRetry(nextBackoff());
                return;
            }
            HttpProxyHandler handler = channel.pipeline().get(HttpProxyHandler.class);
            if (handler == null) {
                return; // closed already; connectionClosed retries
            }
            handler.connectFuture().addListener(tunnel -> {
                if (tunnel.isSuccess()) {
                    onConnected();
                } else {
                    onProxyFailed(tunnel.cause()); // the channel closes next, and connectionClosed retries
                }
            });
        });
    }

    /** The proxy is unreachable or refused the tunnel: WARN once with the proxy's answer, then DEBUG. */
    private void onProxyFailed(Throwable cause) {
        lastError = ProxyFailures.describe(cause);
        if (!unreachableLogged) {
            unreachableLogged = true;
            LOG.warn("[{}] peer {} not reached: {}; retrying every <= {} ms", env.routerId(), peer, lastError,
                    maxMillis);
        } else {
            LOG.debug("[{}] peer {} still not reached: {}", env.routerId(), peer, lastError);
        }
    }

    private static boolean isSelfConnect(io.netty.channel.Channel channel) {
        java.net.SocketAddress local = channel.localAddress();
        return local != null && local.equals(channel.remoteAddress());
    }

    private void onConnected() {
        enter(State.HANDSHAKING);
        if (unreachableLogged) {
            unreachableLogged = false;
            LOG.info("[{}] peer {} reachable again", env.routerId(), peer);
        }
    }

    private void onConnectFailed(Throwable cause) {
        lastError = Errors.describe(cause);
        long delayMillis = nextBackoff();
        if (!unreachableLogged) {
            unreachableLogged = true;
            LOG.warn("[{}] peer {} unreachable: {}; retrying every <= {} ms", env.routerId(), peer, lastError,
                    maxMillis);
        } else {
            LOG.debug("[{}] peer {} still unreachable: {}; next attempt in {} ms", env.routerId(), peer, lastError,
                    delayMillis);
        }
        scheduleRetry(delayMillis);
    }

    @Override
    public void handshakeCompleted(String id) {
        peerId = id;
        lastError = null;
        nextDelayMillis = initialMillis;
        enter(State.ACTIVE);
    }

    @Override
    public void connectionClosed(String id, ReasonCode reason, String text) {
        if (id != null) {
            peerId = id;
        }
        lastError = text;
        if (closed) {
            return;
        }
        if (reason == ReasonCode.DUPLICATE_LINK && id != null) {
            enter(State.WAITING_FOR_LINK_DOWN);
            LOG.debug("[{}] peer {} already linked as {}; dialing again once that link is down", env.routerId(),
                    peer, id);
            env.registry().whenPeerGone(id, () -> loop.execute(() -> scheduleRetry(jitter(initialMillis, maxMillis))));
            return;
        }
        scheduleRetry(nextBackoff());
    }

    private void scheduleRetry(long delayMillis) {
        if (closed) {
            return;
        }
        enter(State.BACKOFF);
        retry = loop.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
    }

    private long nextBackoff() {
        long delay = nextDelayMillis;
        nextDelayMillis = Math.min(maxMillis, nextDelayMillis * 2);
        return jitter(delay, maxMillis);
    }

    /**
     * {@code millis} ± {@link #JITTER_FRACTION}, drawn uniformly from what lies at or below {@code maxMillis}: at the
     * cap the delays still spread (over its lower 20%), so dialers that lost a peer together do not redial together,
     * and the cap an operator configured holds. Pure apart from the random draw.
     */
    static long jitter(long millis, long maxMillis) {
        double low = millis * (1 - JITTER_FRACTION);
        double high = Math.min(millis * (1 + JITTER_FRACTION), maxMillis);
        double drawn = low >= high ? high : low + (high - low) * ThreadLocalRandom.current().nextDouble();
        return Math.max(1, Math.min(maxMillis, Math.round(drawn)));
    }

    private void enter(State next) {
        state = next;
        stateSinceNanos = System.nanoTime();
    }

    /**
     * This peer's view until its link is up (connecting, handshaking or backing off), else null. While handshaking,
     * the session of {@link #connection()} describes it better once registered ({@link LinkListing}). Any thread.
     */
    public LinkView viewWithoutLink(long nowNanos) {
        State current = state;
        String shown = switch (current) {
            case CONNECTING -> "connecting";
            case HANDSHAKING -> "handshaking";
            case BACKOFF, WAITING_FOR_LINK_DOWN -> "backoff";
            case ACTIVE -> null;
        };
        if (shown == null) {
            return null;
        }
        return new LinkView(-1, peerId, "out", peer.toString(), shown, peer.cost(),
                TimeUnit.NANOSECONDS.toMillis(nowNanos - stateSinceNanos), lastError, 0);
    }
}
