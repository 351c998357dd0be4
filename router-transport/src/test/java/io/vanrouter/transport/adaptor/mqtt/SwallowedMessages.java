package io.vanrouter.transport.adaptor.mqtt;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.netty.HandlerNames;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes inter-router connections drop every MESSAGE frame they receive, as if lost on the way, and counts them. */
final class SwallowedMessages {
    private final AtomicInteger count = new AtomicInteger();

    private SwallowedMessages() {
    }

    /** From now on, {@code channels} swallow the MESSAGE frames they read; other frames pass. */
    static SwallowedMessages on(List<Channel> channels) {
        SwallowedMessages swallowed = new SwallowedMessages();
        for (Channel channel : channels) {
            channel.pipeline().addAfter(HandlerNames.FRAME_DECODER, "swallow", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof MessageFrame) {
                        swallowed.count.incrementAndGet();
                        ReferenceCountUtil.release(msg);
                    } else {
                        ctx.fireChannelRead(msg);
                    }
                }
            });
        }
        return swallowed;
    }

    int count() {
        return count.get();
    }
}
