package io.vanrouter.transport.adaptor.tcp;

import io.netty.channel.Channel;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.stream.ConnectorAttempts;
import io.vanrouter.transport.stream.ConnectorCandidate;
import io.vanrouter.transport.stream.Stream;
import io.vanrouter.transport.stream.StreamObserver;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.List;

/**
 * The listener side of one client connection: chooses a connector, and when it fails before STREAM_OPENED (nothing
 * has been read from the client yet), tries the next one, excluding those already tried. Keeps the balanced
 * distribution's open-stream counts.
 *
 * <p>Client's event loop (the stream's loop).
 */
final class ListenerAttempt implements StreamObserver {
    private final TcpListener listener;
    private final Channel client;
    private final ConnectorAttempts attempts;
    private String lastFailure;

    ListenerAttempt(TcpListener listener, Channel client) {
        this.listener = listener;
        this.client = client;
        this.attempts = new ConnectorAttempts(listener.settings.address(), listener.chooser, listener.counters.open());
    }

    private String address() {
        return listener.settings.address();
    }

    void start(Stream stream) {
        List<ConnectorCandidate> all = listener.directory.candidates(address());
        listener.noteReachable(!all.isEmpty());
        if (all.isEmpty() || !attempts.tryNext(stream, all)) {
            listener.refuse(client, stream);
        }
    }

    @Override
    public void opened(Stream stream) {
        listener.counters.opened(address());
    }

    @Override
    public boolean openFailed(Stream stream, StreamResetCode code, String text) {
        ended();
        lastFailure = code + ": " + text;
        TcpListener.LOG.debug("[{}] connection from {} to '{}' via {} failed: {}; trying another connector",
                listener.router.routerId(), LinkSession.format(client.remoteAddress()), address(),
                stream.destination(), lastFailure);
        if (client.isActive() && attempts.tryNext(stream, listener.directory.candidates(address()))) {
            return true;
        }
        listener.counters.failed(address());
        TcpListener.LOG.info("[{}] connection from {} to '{}' failed after trying {}: {}", listener.router.routerId(),
                LinkSession.format(client.remoteAddress()), address(), attempts.tried(), lastFailure);
        return false;
    }

    @Override
    public void closed(Stream stream) {
        ended();
    }

    private void ended() {
        attempts.left();
    }
}
