package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.EncoderException;

/**
 * Writes STREAM_DATA without copying the payload: a 9-byte header buffer (length, type, stream id) followed by the
 * payload buffer itself, which the socket writes with one gathering write. Ownership of the payload passes to the
 * channel's outbound buffer. A payload above {@link WireLimits#STREAM_DATA_BYTES_MAX} is dropped and fails its write;
 * the link stays up ({@link EncodeFailures}). Other messages pass through.
 *
 * <p>The frame's promise goes with the payload, the header's write has a silent void one: writes to one channel
 * complete in order and a failure fails every write after it, so the payload's outcome is the frame's. This saves
 * the promise combiner (and two promises and their listeners) that a two-part encoder output costs per chunk.
 *
 * <p>Stateless and sharable; owning event loop.
 */
@Sharable
public final class StreamDataEncoder extends ChannelOutboundHandlerAdapter {
    /** Length, type and stream id. */
    public static final int HEADER_BYTES = WireLimits.LENGTH_FIELD_BYTES + 1 + WireLimits.STREAM_ID_BYTES;

    private final EncodeFailures failures;

    /** An encoder with failures of its own (tests). */
    public StreamDataEncoder() {
        this(new EncodeFailures("?"));
    }

    public StreamDataEncoder(EncodeFailures failures) {
        this.failures = failures;
    }

    /** Never raises into the pipeline: a frame that cannot be encoded is dropped ({@link EncodeFailures}). */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof StreamFrame.Data data)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf payload = data.content();
        int bytes = payload.readableBytes();
        if (bytes > WireLimits.STREAM_DATA_BYTES_MAX) {
            data.release();
            failures.drop(ctx, msg, new EncoderException("STREAM_DATA payload of " + bytes + " bytes exceeds limit "
                    + WireLimits.STREAM_DATA_BYTES_MAX), promise);
            return;
        }
        ByteBuf header = ctx.alloc().directBuffer(HEADER_BYTES);
        header.writeInt(1 + WireLimits.STREAM_ID_BYTES + bytes)
                .writeByte(FrameType.STREAM_DATA.code())
                .writeInt(data.streamId());
        ctx.write(header, promise.isVoid() ? promise : new VoidChannelPromise(ctx.channel(), false));
        ctx.write(payload, promise); // the payload is the frame's content: its ownership passes with it
    }
}
