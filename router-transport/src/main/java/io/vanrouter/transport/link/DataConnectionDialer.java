package io.vanrouter.transport.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.wire.ReasonCode;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Dials the data connections of every link this router dialed, one per event loop (connection i on loop i), to the
 * very address the link is connected to (no new DNS lookup, same NAT path). A data connection that fails or drops
 * while its link is still current is dialed again after a back-off; when the link goes, its data connections go too.
 * A link dialed through an HTTP CONNECT proxy has its data connections dialed through the same proxy address, each
 * with its own tunnel to the peer's configured host and port.
 *
 * <p>Any thread; each connection's state lives on its own loop.
 */
public final class DataConnectionDialer {
    static final long RETRY_INITIAL_MILLIS = 200;
    static final long RETRY_MAX_MILLIS = 5_000;
    private static final Logger LOG = LinkHandshakeHandler.LOG;

    /** The next redial after {@code delayMillis}: jittered, never above {@link #RETRY_MAX_MILLIS}. */
    static long retryDelay(long delayMillis) {
        return PeerDialer.jitter(delayMillis, RETRY_MAX_MILLIS);
    }

    private final List<EventLoop> loops = new ArrayList<>();
    private final Bootstrap template;
    private volatile LinkEnvironment env;
    private volatile boolean closed;

    /** {@code template} carries channel type and options; the dialer sets group, handler and timeout. */
    public DataConnectionDialer(EventLoopGroup group, Bootstrap template) {
        for (EventExecutor executor : group) {
            loops.add((EventLoop) executor);
        }
        this.template = template.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, PeerDialer.CONNECT_TIMEOUT_MILLIS);
    }

    /** The data event loops, in group order: connection i of a link is dialed on loop i. */
    List<EventLoop> loops() {
        return List.copyOf(loops);
    }

    void bind(LinkEnvironment environment) {
        this.env = environment;
    }

    public void close() {
        closed = true;
    }

    /** Starts the data connections of a link this router dialed; from the link's handshake. */
    void dial(ActiveLink link) {
        int count = link.data().agreed();
        for (int i = 0; i < count; i++) {
            new Attempt(link, loops.get(i % loops.size()), i).connect();
        }
    }

    /**
     * Dials a stream connection for stream {@code streamId} of {@code link} (a link this router dialed, plain TCP, no
     * proxy) on {@code loop}, the stream's own, to the address the link is connected to. Not redialed: a failure
     * leaves the stream on frames.
     */
    void dialStream(ActiveLink link, int streamId, EventLoop loop, StreamConnectionObserver observer) {
        Bootstrap bootstrap = template.clone().group(loop)
                .handler(LinkInitializer.streamConnection(env, link, streamId, observer));
        SocketAddress remote = link.channel().remoteAddress();
        bootstrap.connect(remote).addListener(f -> {
            if (!f.isSuccess()) {
                observer.failed("stream connection to " + remote + " failed: " + Errors.describe(f.cause()));
            }
        });
    }

    /** One data connection slot of one link, redialed while the link lives. */
    private final class Attempt implements LinkObserver {
        private final ActiveLink link;
        private final EventLoop loop;
        private final int index;
        private long nextDelayMillis = RETRY_INITIAL_MILLIS;

        Attempt(ActiveLink link, EventLoop loop, int index) {
            this.link = link;
            this.loop = loop;
            this.index = index;
        }

        private boolean wanted() {
            return !closed && env.registry().isCurrent(link) && !link.session().closing();
        }

        void connect() {
            if (!wanted()) {
                return;
            }
            ProxyRoute proxy = link.session().proxy();
            Bootstrap bootstrap = template.clone().group(loop)
                    .handler(LinkInitializer.dataConnection(env, link, this, proxy));
            // Through a proxy: a new tunnel to the peer as configured (the proxy resolves it), via the link's proxy.
            SocketAddress remote = proxy == null ? link.channel().remoteAddress() : proxy.target();
            if (proxy != null) {
                bootstrap.disableResolver();
            }
            bootstrap.connect(remote).addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.debug("[{} L{} peer={}] data connection {} to {} failed: {}", env.routerId(),
                            link.linkId(), link.peerId(), index, proxy == null ? remote : proxy.describe(),
                            Errors.describe(f.cause()));
                    retry();
                }
            });
        }

        @Override
        public void handshakeCompleted(String peerId) {
            nextDelayMillis = RETRY_INITIAL_MILLIS;
        }

        @Override
        public void connectionClosed(String peerId, ReasonCode reason, String text) {
            retry();
        }

        private void retry() {
            if (!wanted()) {
                return;
            }
            long delay = retryDelay(nextDelayMillis);
            nextDelayMillis = Math.min(RETRY_MAX_MILLIS, nextDelayMillis * 2);
            loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }
}
