package io.vanrouter.transport.adaptor.http;

import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import io.vanrouter.transport.stream.ConnectorAttempts;
import io.vanrouter.transport.stream.ConnectorCandidate;
import io.vanrouter.transport.stream.Stream;
import io.vanrouter.transport.stream.StreamObserver;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The route of one request at the listener side: its stream toward a connector site chosen by the listener's
 * distribution, the next site when one fails before the stream is open (the request's head and body wait meanwhile,
 * within the stream's credit), and its counters: open requests per site (for balancing), status and latency.
 *
 * <p>The client connection's event loop (the stream's loop).
 */
final class RequestRoute implements StreamObserver {
    private final HttpListener listener;
    private final String client;
    private final ConnectorAttempts attempts;
    private final long startNanos = System.nanoTime();
    private String lastSite;
    private int status;
    private boolean completed;
    private String lastFailure;

    RequestRoute(HttpListener listener, String client) {
        this.listener = listener;
        this.client = client;
        this.attempts = new ConnectorAttempts(listener.settings.address(), listener.chooser, listener.counters.open());
    }

    private String address() {
        return listener.settings.address();
    }

    /**
     * Opens the request's stream toward the best reachable site and returns its end; the end is already aborted
     * (the sink told to answer 503) when no site is reachable.
     */
    AdaptorEnd start(io.netty.channel.EventLoop loop, AdaptorSink sink) {
        AdaptorEnd end = listener.router.acceptAdaptorStream(loop, listener.streamAddress(), sink, this);
        List<ConnectorCandidate> all = listener.directory.candidates(listener.streamAddress());
        listener.noteReachable(!all.isEmpty());
        if (all.isEmpty() || !tryNext(end.stream(), all)) {
            end.stream().abort(StreamResetCode.NO_CONNECTOR, "no reachable connector for http '" + address() + "'");
        }
        return end;
    }

    private boolean tryNext(Stream stream, List<ConnectorCandidate> candidates) {
        if (!attempts.tryNext(stream, candidates)) {
            return false;
        }
        lastSite = attempts.current();
        return true;
    }

    /** The response head went to the client with {@code code} (the router's own error responses included). */
    void responded(int code) {
        if (status == 0 || status < 200) {
            status = code;
        }
    }

    /** The response's end went to the client: the request completed. */
    void completed() {
        completed = true;
    }

    @Override
    public void opened(Stream stream) {
        HttpListener.LOG.trace("[{}] http request from {} to '{}' open via {}", listener.router.routerId(), client,
                address(), stream.destination());
    }

    @Override
    public boolean openFailed(Stream stream, StreamResetCode code, String text) {
        leaveCurrent();
        lastFailure = code + ": " + text;
        if (tryNext(stream, listener.directory.candidates(listener.streamAddress()))) {
            return true;
        }
        HttpListener.LOG.info("[{}] http request from {} to '{}' failed after trying {}: {}",
                listener.router.routerId(), client, address(), attempts.tried(), lastFailure);
        return false;
    }

    @Override
    public void closed(Stream stream) {
        leaveCurrent();
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
        listener.counters.finished(address(), lastSite, status, !completed, micros);
    }

    private void leaveCurrent() {
        attempts.left();
    }
}
