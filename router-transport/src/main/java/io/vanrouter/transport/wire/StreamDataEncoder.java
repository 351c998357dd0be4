package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes STREAM_DATA without copying the payload: a 9-byte header buffer (length, type, stream id) followed by the
 * payload buffer itself, which the socket writes with one gathering write. Ownership of the payload passes to the
 * channel's outbound buffer.
 *
 * <p>Stateless and sharable; owning event loop.
 */
@Sharable
public final class StreamDataEncoder extends MessageToMessageEncoder<StreamFrame.Data> {
    /** Length, type and stream id. */
    public static final int HEADER_BYTES = WireLimits.LENGTH_FIELD_BYTES + 1 + WireLimits.STREAM_ID_BYTES;

    public StreamDataEncoder() {
        super(StreamFrame.Data.class);
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
