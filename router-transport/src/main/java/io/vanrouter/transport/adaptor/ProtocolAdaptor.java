package io.vanrouter.transport.adaptor;

/**
 * An application protocol plugged into the router (TCP, MQTT; later UDP, HTTP/2). The composition root builds each
 * adaptor from its own settings and hands the list to {@code TransportServer}, which starts them once the links'
 * plumbing (event loops, stream and message planes) exists, and closes them, in reverse order, before it resets the
 * streams and closes the links.
 *
 * <p>{@link #start} and {@link #close} are called on the caller's thread, once each; an adaptor's own sockets live on
 * the event loops of {@link AdaptorContext#eventLoops()}. {@link #close} may come on another thread before or while
 * {@link #start} runs (a shutdown during startup): the start then lets go of any port it bound and throws.
 */
public interface ProtocolAdaptor extends AutoCloseable {

    /** A short lower-case name for logs and errors ({@code tcp}, {@code mqtt}). */
    String name();

    /**
     * Binds listeners and registers with the planes it uses. Throws with a clear message when it cannot (a port in
     * use); the transport then closes every adaptor, this one included, and rethrows.
     */
    void start(AdaptorContext context) throws Exception;

    /**
     * Stops accepting new work and releases what it holds. Live streams are not this method's business: the transport
     * resets them right after. Must be safe when {@link #start} was never called, failed half way or is still
     * running; idempotent.
     */
    @Override
    void close();
}
