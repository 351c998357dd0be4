package io.vanrouter.transport.wire;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import java.util.List;

/**
 * Writes {@link MessageFrame} (header plus the payload as a composite component, no copy) and {@link MessageAck}.
 * Sits next to {@link FrameEncoder}; the frames it emits are plain buffers that pass through it. A MESSAGE above the
 * frame limit is dropped and fails its write; the link stays up ({@link EncodeFailures}).
 *
 * <p>Stateless and sharable; owning event loop.
 */
@Sharable
public final class MessageEncoder extends MessageToMessageEncoder<Object> {
    private final int maxFrameBytes;
    private final EncodeFailures failures;

    /** An encoder with failures of its own (tests). */
    public MessageEncoder(int maxFrameBytes) {
        this(maxFrameBytes, new EncodeFailures("?"));
    }

    public MessageEncoder(int maxFrameBytes, EncodeFailures failures) {
        super(Object.class);
        this.maxFrameBytes = maxFrameBytes;
        this.failures = failures;
    }

    /** Never raises into the pipeline: a frame that cannot be encoded is dropped ({@link EncodeFailures}). */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        try {
            super.write(ctx, msg, promise); // releases msg, also when encoding fails
        } catch (Exception e) {
            failures.drop(ctx, msg, e, promise);
        }
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
