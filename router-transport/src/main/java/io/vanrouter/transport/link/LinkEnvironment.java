package io.vanrouter.transport.link;

import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.vanrouter.transport.CoreEvents;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.netty.ExceptionHandler;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.wire.EncodeFailures;
import io.vanrouter.transport.wire.FrameEncoder;

/**
 * What every link handler of one {@code TransportServer} shares. Immutable; its parts are thread-safe.
 *
 * @param channels  every inter-router connection, for orderly shutdown
 * @param dataPlane receives stream frames (the stream plane that stream adaptors such as TCP use)
 * @param messages  receives MESSAGE and MESSAGE_ACK frames (MQTT and other message adaptors)
 * @param dataConnections data connections per link this router offers in its HANDSHAKE (0: none)
 * @param dataDialer      dials the data connections of links this router dialed; null when it offers none
 * @param controlLoop     the loop every link (control connection) runs on, which data connections never use, so
 *                        that hellos are read and written however busy the data loops are; null: links stay where
 *                        they were accepted or dialed (tests)
 * @param tls             TLS on every inter-router connection; null: plain TCP
 */
public record LinkEnvironment(
        TransportSettings settings,
        LinkRegistry registry,
        CoreEvents core,
        TransportCounters counters,
        ChannelGroup channels,
        FrameEncoder encoder,
        ExceptionHandler exceptionHandler,
        LinkDataPlane dataPlane,
        LinkMessageSink messages,
        int dataConnections,
        DataConnectionDialer dataDialer,
        EventLoop controlLoop,
        LinkTls tls) {

    /** An environment whose links discard stream and message frames (control plane only). */
    public static LinkEnvironment create(TransportSettings settings, LinkRegistry registry, CoreEvents core,
            TransportCounters counters, ChannelGroup channels) {
        return create(settings, registry, core, counters, channels, LinkDataPlane.DISCARD, LinkMessageSink.DISCARD);
    }

    public static LinkEnvironment create(TransportSettings settings, LinkRegistry registry, CoreEvents core,
            TransportCounters counters, ChannelGroup channels, LinkDataPlane dataPlane, LinkMessageSink messages) {
        return new LinkEnvironment(settings, registry, core, counters, channels,
                new FrameEncoder(settings.maxFrameBytes(), new EncodeFailures(settings.routerId())),
                new ExceptionHandler(settings.routerId()), dataPlane, messages, 0, null, null, null);
    }

    /**
     * This environment with links on {@code control} and {@code count} data connections per link offered, dialed by
     * {@code dialer}.
     */
    public LinkEnvironment withConnections(EventLoop control, int count, DataConnectionDialer dialer) {
        LinkEnvironment env = new LinkEnvironment(settings, registry, core, counters, channels, encoder,
                exceptionHandler, dataPlane, messages, count, count > 0 ? dialer : null,
                control, tls);
        if (env.dataDialer != null) {
            env.dataDialer.bind(env);
        }
        return env;
    }

    /** This environment with TLS on every connection (null: plain). Before {@link #withConnections}. */
    public LinkEnvironment withTls(LinkTls linkTls) {
        return new LinkEnvironment(settings, registry, core, counters, channels, encoder, exceptionHandler,
                dataPlane, messages, dataConnections, dataDialer, controlLoop, linkTls);
    }

    public String routerId() {
        return settings.routerId();
    }
}
