package io.vanrouter.transport.wire;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import java.util.List;

/**
 * Writes {@link MessageFrame} (header plus the payload as a composite component, no copy) and {@link MessageAck}.
 * Sits next to {@link FrameEncoder}; the frames it emits are plain buffers that pass through it.
 *
 * <p>Stateless and sharable; owning event loop.
 */
@Sharable
public final class MessageEncoder extends MessageToMessageEncoder<Object> {
    private final int maxFrameBytes;

    public MessageEncoder(int maxFrameBytes) {
        super(Object.class);
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof MessageFrame || msg instanceof MessageAck;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof MessageFrame frame) {
            out.add(MessageCodec.encodeMessage(ctx.alloc(), frame, maxFrameBytes)); // the frame is released after
        } else {
            out.add(MessageCodec.encodeAck(ctx.alloc(), (MessageAck) msg));
        }
    }
}
