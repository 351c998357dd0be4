package io.vanrouter.transport.adaptor.amqp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.ExceptionHandler;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The AMQP 1.0 adaptor as a plug-in on the message plane: one listener whose clients attach senders and receivers to
 * VAN addresses. Receivers are added to the message plane's local delivery beside MQTT's, so MQTT and AMQP clients
 * of one address see each other's messages.
 *
 * <p>{@link #start} and {@link #close} on the caller's thread; views from any thread.
 */
public final class AmqpAdaptor implements ProtocolAdaptor {
    private final AmqpSettings settings;
    private final AmqpCounters counters = new AmqpCounters();
    private final ChannelGroup channels = new DefaultChannelGroup("amqp", GlobalEventExecutor.INSTANCE);
    private volatile AmqpReceivers receivers;
    private volatile io.vanrouter.transport.message.MessageRouter messages;
    private volatile Channel listener;

    public AmqpAdaptor(AmqpSettings settings) {
        this.settings = settings;
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
        AmqpServices services = new AmqpServices(context.routerId(), settings, context.messages(), context.routing(),
                local, counters);
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
            throw new IOException("cannot listen for AMQP on " + settings.host() + ":" + settings.port() + ": "
                    + Errors.describe(bound.cause()), bound.cause());
        }
        listener = bound.channel();
        AmqpConnectionHandler.LOG.info("[{}] listening for AMQP 1.0 clients on {}", context.routerId(),
                boundAddress());
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

    /** Stops listening and closes every client connection (their links release what they hold). */
    @Override
    public void close() {
        if (messages != null && receivers != null) {
            messages.removeLocalDelivery(receivers);
        }
        Channel channel = listener;
        if (channel != null) {
            channel.close().awaitUninterruptibly(2_000);
        }
        channels.close().awaitUninterruptibly(2_000);
    }
}
