package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes STREAM_DATA without copying the payload: a 9-byte header buffer (length, type, stream id) followed by the
 * payload buffer itself, which the socket writes with one gathering write. Ownership of the payload passes to the
 * channel's outbound buffer. A payload above {@link WireLimits#STREAM_DATA_BYTES_MAX} is dropped and fails its write;
 * the link stays up ({@link EncodeFailures}).
 *
 * <p>Stateless and sharable; owning event loop.
 */
@Sharable
public final class StreamDataEncoder extends MessageToMessageEncoder<StreamFrame.Data> {
    /** Length, type and stream id. */
    public static final int HEADER_BYTES = WireLimits.LENGTH_FIELD_BYTES + 1 + WireLimits.STREAM_ID_BYTES;

    private final EncodeFailures failures;

    /** An encoder with failures of its own (tests). */
    public StreamDataEncoder() {
        this(new EncodeFailures("?"));
    }

    public StreamDataEncoder(EncodeFailures failures) {
        super(StreamFrame.Data.class);
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
    protected void encode(ChannelHandlerContext ctx, StreamFrame.Data msg, List<Object> out) {
        ByteBuf payload = msg.content();
        int bytes = payload.readableBytes();
        if (bytes > WireLimits.STREAM_DATA_BYTES_MAX) {
            throw new EncoderException("STREAM_DATA payload of " + bytes + " bytes exceeds limit "
                    + WireLimits.STREAM_DATA_BYTES_MAX);
        }
        ByteBuf header = ctx.alloc().directBuffer(HEADER_BYTES);
        header.writeInt(1 + WireLimits.STREAM_ID_BYTES + bytes)
                .writeByte(FrameType.STREAM_DATA.code())
                .writeInt(msg.streamId());
        out.add(header);
        out.add(payload.retain()); // the encoder releases msg after encode
    }
}
