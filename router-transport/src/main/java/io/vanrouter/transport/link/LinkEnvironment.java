package io.vanrouter.transport.link;

import io.netty.channel.group.ChannelGroup;
import io.vanrouter.transport.CoreEvents;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.netty.ExceptionHandler;
import io.vanrouter.transport.wire.FrameEncoder;
import io.vanrouter.transport.wire.MessageEncoder;

/**
 * What every link handler of one {@code TransportServer} shares. Immutable; its parts are thread-safe.
 *
 * @param channels every inter-router connection, for orderly shutdown
 */
public record LinkEnvironment(
        TransportSettings settings,
        LinkRegistry registry,
        CoreEvents core,
        TransportCounters counters,
        ChannelGroup channels,
        FrameEncoder encoder,
        ExceptionHandler exceptionHandler,
        MessageEncoder messageEncoder,
        LinkMessageSink messages) {

    public static LinkEnvironment create(TransportSettings settings, LinkRegistry registry, CoreEvents core,
            TransportCounters counters, ChannelGroup channels) {
        return create(settings, registry, core, counters, channels, LinkMessageSink.DISCARD);
    }

    /** With a data plane that receives MESSAGE and MESSAGE_ACK frames. */
    public static LinkEnvironment create(TransportSettings settings, LinkRegistry registry, CoreEvents core,
            TransportCounters counters, ChannelGroup channels, LinkMessageSink messages) {
        return new LinkEnvironment(settings, registry, core, counters, channels,
                new FrameEncoder(settings.maxFrameBytes()), new ExceptionHandler(settings.routerId()),
                new MessageEncoder(settings.maxFrameBytes()), messages);
    }

    public String routerId() {
        return settings.routerId();
    }
}
