package io.vanrouter.transport.adaptor.amqp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttAuthenticator;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.ExceptionHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The AMQP 1.0 adaptor as a plug-in on the message plane: one listener whose clients attach senders and receivers to
 * VAN addresses. Receivers are added to the message plane's local delivery beside MQTT's, so MQTT and AMQP clients
 * of one address see each other's messages.
 *
 * <p>{@link #start} and {@link #close} on the caller's thread; views from any thread.
 */
public final class AmqpAdaptor implements ProtocolAdaptor {
    /** How often the users file is looked at for changes. */
    static final long USERS_POLL_MILLIS = 1_000;
    private final AmqpSettings settings;
    private final AmqpCounters counters = new AmqpCounters();
    private final ChannelGroup channels = new DefaultChannelGroup("amqp", GlobalEventExecutor.INSTANCE);
    private volatile AmqpReceivers receivers;
    private volatile io.vanrouter.transport.message.MessageRouter messages;
    private volatile Channel listener;
    private volatile Path usersFile;
    private volatile MqttUsers.Loader usersLoader;
    private volatile MqttAuthenticator authenticator;
    private volatile ScheduledFuture<?> usersPoll;
    private volatile boolean closed;

    public AmqpAdaptor(AmqpSettings settings) {
        this.settings = settings;
    }

    /**
     * With {@code saslPlain}: user names and passwords are checked against {@code file} (the MQTT users file), which
     * {@code loader} reads now and again when it changes; before {@link #start}.
     */
    public AmqpAdaptor users(Path file, MqttUsers.Loader loader) {
        this.usersFile = file;
        this.usersLoader = loader;
        return this;
    }

    @Override
    public String name() {
        return "amqp";
    }

    /** Binds the listener (throws with a clear message when it cannot). */
    @Override
    public void start(AdaptorContext context) throws IOException {
        if (receivers != null) {
            throw new IllegalStateException("amqp adaptor already started");
        }
        AmqpReceivers local = new AmqpReceivers(context.consumers(), counters);
        receivers = local;
        messages = context.messages();
        context.messages().addLocalDelivery(local);
        if (settings.saslPlain()) {
            if (usersFile == null) {
                throw new IllegalStateException("amqp saslPlain without a users file");
            }
            authenticator = MqttAuthenticator.load(context.routerId(), usersFile, usersLoader);
            // as the MQTT listener does: a changed file applies to the next SASL exchange
            usersPoll = context.eventLoops().next().scheduleWithFixedDelay(authenticator::checkForChanges,
                    USERS_POLL_MILLIS, USERS_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        AmqpServices services = new AmqpServices(context.routerId(), settings, context.messages(), context.routing(),
                local, counters, authenticator);
        ExceptionHandler exceptions = new ExceptionHandler(context.routerId());
        ChannelFuture bound = new ServerBootstrap().group(context.eventLoops()).channel(context.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, ApplicationSockets.RECEIVE_BUFFER_BYTES)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast("amqp", new AmqpConnectionHandler(services));
                        ch.pipeline().addLast("exceptions", exceptions);
                    }
                })
                .bind(settings.host(), settings.port()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            if (closed) { // the close already ran, before the users-file poll and the local delivery existed
                close();
            }
            throw new IOException("cannot listen for AMQP on " + settings.host() + ":" + settings.port() + ": "
                    + Errors.describe(bound.cause()), bound.cause());
        }
        listener = bound.channel();
        if (closed) { // close() came while starting and may have missed what was just bound
            close();
            throw new IOException("AMQP listener on " + settings.host() + ":" + settings.port()
                    + " closed while binding");
        }
        AmqpConnectionHandler.LOG.info("[{}] listening for AMQP 1.0 clients on {} (SASL {})", context.routerId(),
                boundAddress(), authenticator == null ? "ANONYMOUS" : "PLAIN, users file " + usersFile);
    }

    /** Where the listener is bound, or null before {@link #start}. */
    public InetSocketAddress boundAddress() {
        Channel channel = listener;
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    public AmqpCounters counters() {
        return counters;
    }

    /** Receiver links attached now. */
    public int receivers() {
        AmqpReceivers current = receivers;
        return current == null ? 0 : current.count();
    }

    /**
     * Stops listening and closes every client connection (their links release what they hold). Marks the adaptor
     * closed before it looks at what is bound, and {@link #start} looks at the mark after binding: one of them sees
     * the other, so a close during a start leaves nothing bound. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> poll = usersPoll;
        if (poll != null) {
            poll.cancel(false);
        }
        if (messages != null && receivers != null) {
            messages.removeLocalDelivery(receivers);
        }
        Channel channel = listener;
        if (channel != null) {
            channel.close().awaitUninterruptibly(2_000);
        }
        channels.close().awaitUninterruptibly(2_000);
        MqttAuthenticator checks = authenticator;
        if (checks != null) {
            checks.close();
        }
    }
}
