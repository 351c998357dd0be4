package io.vanrouter.transport.adaptor.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.stream.ConnectorAttempts;
import io.vanrouter.transport.stream.ConnectorCandidate;
import io.vanrouter.transport.stream.DatagramEnd;
import io.vanrouter.transport.stream.DatagramSink;
import io.vanrouter.transport.stream.Stream;
import io.vanrouter.transport.stream.StreamObserver;
import io.vanrouter.transport.wire.StreamResetCode;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * The flow of one client at a {@link UdpListener}: its stream toward a chosen connector, where replies go (back to
 * the client's address through the listener's socket), and the retry when a connector fails before the flow is open
 * (its datagrams wait meanwhile, within the flow's bound, and move to the next connector).
 *
 * <p>The listener socket's event loop (the stream's loop).
 */
final class ClientFlow implements ListenerFlow, DatagramSink, StreamObserver {
    private final UdpListener listener;
    private final InetSocketAddress client;
    /** Null: any connector site; else the one site this flow may go to (a member of a {@link MulticastFlow}). */
    private final String onlySite;
    /** Told when the flow is over: the listener, or the multicast flow this one is a member of. */
    private final Consumer<ClientFlow> onClosed;
    private final ConnectorAttempts attempts;
    private DatagramEnd end;
    private boolean started;

    ClientFlow(UdpListener listener, InetSocketAddress client) {
        this(listener, client, null, listener::remove);
    }

    ClientFlow(UdpListener listener, InetSocketAddress client, String onlySite, Consumer<ClientFlow> onClosed) {
        this.listener = listener;
        this.client = client;
        this.onlySite = onlySite;
        this.onClosed = onClosed;
        this.attempts = new ConnectorAttempts(listener.settings.address(), listener.chooser, listener.counters.open());
    }

    @Override
    public InetSocketAddress client() {
        return client;
    }

    DatagramEnd datagramEnd() {
        return end;
    }

    @Override
    public void offer(ByteBuf datagram) {
        listener.counters.offered(address(), end.offer(datagram));
    }

    @Override
    public long idleNanos(long nowNanos) {
        return end.idleNanos(nowNanos);
    }

    @Override
    public void end() {
        end.end();
    }

    private String address() {
        return listener.settings.address();
    }

    /** Starts the stream toward the best reachable connector; false (stream aborted) when there is none. */
    @Override
    public boolean start(EventLoop loop) {
        end = listener.router.acceptDatagramFlow(loop, listener.streamAddress(), this, this);
        List<ConnectorCandidate> all = listener.directory.candidates(listener.streamAddress());
        listener.noteReachable(!all.isEmpty());
        if (all.isEmpty() || !tryNext(end.stream(), all)) {
            end.stream().abort(StreamResetCode.NO_CONNECTOR, "no reachable connector for udp '" + address() + "'");
            return false;
        }
        started = true;
        if (onlySite == null) { // a multicast flow counts itself once, not each member
            listener.counters.flowStarted(address());
        }
        return true;
    }

    private boolean tryNext(Stream stream, List<ConnectorCandidate> candidates) {
        return attempts.tryNext(stream, candidates, site -> onlySite == null || onlySite.equals(site));
    }

    @Override
    public void send(ByteBuf datagram) {
        listener.reply(datagram, client);
    }

    @Override
    public void closed() {
        onClosed.accept(this);
    }

    @Override
    public String describe() {
        return "udp client " + LinkSession.format(client);
    }

    @Override
    public void opened(Stream stream) {
        UdpListener.LOG.debug("[{}] udp flow from {} to '{}' open via {}", listener.router.routerId(),
                LinkSession.format(client), address(), stream.destination());
    }

    @Override
    public boolean openFailed(Stream stream, StreamResetCode code, String text) {
        leaveCurrent();
        if (tryNext(stream, listener.directory.candidates(listener.streamAddress()))) {
            return true;
        }
        UdpListener.LOG.info("[{}] udp flow from {} to '{}' failed after trying {}: {}: {}",
                listener.router.routerId(), LinkSession.format(client), address(), attempts.tried(), code, text);
        return false;
    }

    @Override
    public void closed(Stream stream) {
        leaveCurrent();
        if (started) {
            started = false;
            if (onlySite == null) {
                listener.counters.flowEnded(address());
            }
        }
        onClosed.accept(this);
    }

    private void leaveCurrent() {
        attempts.left();
    }
}
