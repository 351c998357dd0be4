package io.vanrouter.transport.adaptor.tcp;

import io.netty.channel.Channel;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.stream.ConnectorCandidate;
import io.vanrouter.transport.stream.Stream;
import io.vanrouter.transport.stream.StreamObserver;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    private final Set<String> tried = new HashSet<>();
    private String current;
    private String lastFailure;

    ListenerAttempt(TcpListener listener, Channel client) {
        this.listener = listener;
        this.client = client;
    }

    private String address() {
        return listener.settings.address();
    }

    void start(Stream stream) {
        List<ConnectorCandidate> all = listener.directory.candidates(address());
        listener.noteReachable(!all.isEmpty());
        if (all.isEmpty() || !tryNext(stream, all)) {
            listener.refuse(client, stream);
        }
    }

    /** Attaches the stream to the best untried candidate that can be reached; false when none is left. */
    private boolean tryNext(Stream stream, List<ConnectorCandidate> all) {
        List<ConnectorCandidate> left = new ArrayList<>(all.size());
        for (ConnectorCandidate candidate : all) {
            if (!tried.contains(candidate.routerId())) {
                left.add(candidate);
            }
        }
        while (!left.isEmpty()) {
            ConnectorCandidate chosen = listener.chooser.choose(left,
                    router -> listener.counters.openStreams(address(), router));
            tried.add(chosen.routerId());
            left.remove(chosen);
            if (stream.openToward(chosen.routerId())) {
                current = chosen.routerId();
                listener.counters.streamStarted(address(), current);
                return true;
            }
        }
        return false;
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
        if (client.isActive() && tryNext(stream, listener.directory.candidates(address()))) {
            return true;
        }
        listener.counters.failed(address());
        TcpListener.LOG.info("[{}] connection from {} to '{}' failed after trying {}: {}", listener.router.routerId(),
                LinkSession.format(client.remoteAddress()), address(), tried, lastFailure);
        return false;
    }

    @Override
    public void closed(Stream stream) {
        ended();
    }

    private void ended() {
        if (current != null) {
            listener.counters.streamEnded(address(), current);
            current = null;
        }
    }
}
