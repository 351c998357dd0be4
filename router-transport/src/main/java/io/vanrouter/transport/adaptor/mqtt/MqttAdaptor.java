package io.vanrouter.transport.adaptor.mqtt;

import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.LocalConsumers;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttAuthenticator;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The MQTT adaptor as a plug-in: uses the message plane only. At start it builds its {@link MqttListener} on the
 * context's message router (which then delivers to local subscribers through it) and announces each filter's first
 * and last local subscriber to {@link LocalConsumers}.
 *
 * <p>{@link #start} and {@link #close} on the caller's thread; views from any thread.
 */
public final class MqttAdaptor implements ProtocolAdaptor {
    private final MqttSettings settings;
    private final MqttCounters counters = new MqttCounters();
    private volatile MqttListener listener;
    private volatile ServerTls tls;
    private volatile Path usersFile;
    private volatile MqttUsers.Loader usersLoader;
    private volatile MqttAuthenticator authenticator;
    private volatile Consumer<MqttSessionFlow> flows;
    private volatile boolean closed;

    public MqttAdaptor(MqttSettings settings) {
        this.settings = settings;
    }

    /** TLS for every client connection (null: plain MQTT, the default); before {@link #start}. */
    public MqttAdaptor tls(ServerTls serverTls) {
        this.tls = serverTls;
        return this;
    }

    /**
     * Requires a user name and password from every client, checked against {@code file}, which {@code loader} reads
     * now and again whenever it changes; before {@link #start}.
     */
    public MqttAdaptor users(Path file, MqttUsers.Loader loader) {
        this.usersFile = file;
        this.usersLoader = loader;
        return this;
    }

    /**
     * Where finished sessions are reported (null: nowhere, the default); called on the client's event loop, so the
     * consumer must return at once (queue, never block or write a file). Before {@link #start}.
     */
    public MqttAdaptor flows(Consumer<MqttSessionFlow> consumer) {
        this.flows = consumer;
        return this;
    }

    @Override
    public String name() {
        return "mqtt";
    }

    /** Binds the MQTT listener (throws with a clear message when it cannot). */
    @Override
    public void start(AdaptorContext context) throws IOException {
        if (listener != null) {
            throw new IllegalStateException("mqtt adaptor already started");
        }
        LocalConsumers consumers = context.consumers();
        if (usersFile != null) {
            authenticator = MqttAuthenticator.load(context.messages().self(), usersFile, usersLoader);
        }
        MqttListener started = new MqttListener(settings, context.messages(), consumers::submitAddConsumer,
                consumers::submitRemoveConsumer, counters, tls, authenticator);
        started.flows(flows);
        listener = started; // before binding, so that close() after a failed bind still finds it
        if (closed) { // close() came before there was a listener to find: let go of what this start made
            close();
            throw new IOException("mqtt adaptor closed while starting");
        }
        started.start(context.eventLoops(), context.serverChannelType());
    }

    /** Where the listener is bound, or null before {@link #start}. */
    public InetSocketAddress boundAddress() {
        MqttListener current = listener;
        return current == null ? null : current.boundAddress();
    }

    /** Connection and packet counters. */
    public MqttCounters counters() {
        return counters;
    }

    public int connectedClients() {
        MqttListener current = listener;
        return current == null ? 0 : current.connectedClients();
    }

    /** Subscriptions of connected clients now. */
    public int subscriptions() {
        MqttListener current = listener;
        return current == null ? 0 : current.subscriptionCount();
    }

    /** QoS 1 deliveries to connected clients not yet acknowledged. */
    public int qos1InFlight() {
        MqttListener current = listener;
        return current == null ? 0 : current.qos1InFlight();
    }

    /**
     * Stops listening and closes every client connection. A {@link #start} still binding lets go of the port and
     * throws. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        MqttListener current = listener;
        if (current != null) {
            current.close();
        }
        MqttAuthenticator checks = authenticator;
        if (checks != null) {
            checks.close();
        }
    }
}
