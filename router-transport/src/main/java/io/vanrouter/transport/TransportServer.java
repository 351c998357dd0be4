package io.vanrouter.transport;

import io.vanrouter.core.port.ControlSender;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Owns the event loops, inter-router listeners, outgoing peer dialers and the registry of active links.
 *
 * <p>Wiring: {@code server = new TransportServer(settings)}, then {@code core = new CoreLoop(coreSettings,
 * server.controlSender())}, then {@code server.start(core)}. {@link #close()} sends every peer a CLOSE frame with a
 * reason, so that they reroute at once rather than after their dead interval.
 *
 * <p>Any thread.
 */
public final class TransportServer implements AutoCloseable {

    public TransportServer(TransportSettings settings) {
        throw new UnsupportedOperationException("to be written");
    }

    /** Sends core output on links; valid before {@link #start}. */
    public ControlSender controlSender() {
        throw new UnsupportedOperationException("to be written");
    }

    /** Binds every listener (throws with a clear message if one cannot bind) and starts dialing peers. */
    public void start(CoreEvents core) throws Exception {
        throw new UnsupportedOperationException("to be written");
    }

    /** Actual bound addresses of the listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> boundAddresses() {
        throw new UnsupportedOperationException("to be written");
    }

    /** Active links and configured peers without a link. */
    public List<LinkView> linkViews() {
        throw new UnsupportedOperationException("to be written");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("to be written");
    }
}
