package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import java.util.Map;

/**
 * The one outbound handler of a link connection: writes every frame of wire format version 1. {@link Preamble},
 * {@link HandshakeFrame}, {@link ReasonFrame}, {@link ControlMessage}s, {@link LinkCostFrame} and stream control
 * frames are encoded into a buffer of their own; STREAM_DATA is a 9-byte header followed by the payload buffer itself
 * (no copy); MESSAGE and MESSAGE_ACK come from {@link MessageCodec}. Buffers pass through untouched.
 *
 * <p>One handler rather than one per frame family: every link write crosses it, so each handler less is a context hop
 * less per write and less code for the JIT to compile in a router's first seconds (docs/benchmarks.md, cold start).
 *
 * <p>A frame that cannot be encoded (larger than the limit: the sender's bug, not the peer's) is released, dropped
 * and fails its own write; the link stays up ({@link EncodeFailures}).
 *
 * <p>STREAM_DATA's header is written with a silent void promise and the payload with the frame's: writes to one
 * channel complete in order and a failure fails every write after it, so the payload's outcome is the frame's. This
 * saves the promise combiner (and two promises and their listeners) a two-part output would cost per chunk.
 *
 * <p>Stateless and sharable; runs on the owning event loop.
 */
@Sharable
public final class FrameEncoder extends ChannelOutboundHandlerAdapter {
    /** STREAM_DATA's header: length, type and stream id. */
    private static final int STREAM_DATA_HEADER_BYTES = WireLimits.LENGTH_FIELD_BYTES + 1 + WireLimits.STREAM_ID_BYTES;

    private final int maxFrameBytes;
    private final EncodeFailures failures;

    /** An encoder with failures of its own (tests). */
    public FrameEncoder(int maxFrameBytes) {
        this(maxFrameBytes, new EncodeFailures("?"));
    }

    public FrameEncoder(int maxFrameBytes, EncodeFailures failures) {
        this.maxFrameBytes = maxFrameBytes;
        this.failures = failures;
    }

    /** The drop counter of this encoder. */
    public EncodeFailures failures() {
        return failures;
    }

    /** Never raises into the pipeline: a frame that cannot be encoded is dropped ({@link EncodeFailures}). */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof StreamFrame.Data data) { // the bulk of a link's writes: checked first
            writeStreamData(ctx, data, promise);
            return;
        }
        if (msg instanceof ByteBuf || msg instanceof FileRegion) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf out;
        try {
            out = encode(ctx.alloc(), msg);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(msg);
            failures.drop(ctx, msg, e instanceof EncoderException ? e : new EncoderException(e), promise);
            return;
        }
        if (out == null) { // not a frame: someone else's
            ctx.write(msg, promise);
            return;
        }
        ReferenceCountUtil.release(msg); // a MESSAGE's payload is copied or retained by its frame buffer
        ctx.write(out, promise);
    }

    private void writeStreamData(ChannelHandlerContext ctx, StreamFrame.Data data, ChannelPromise promise) {
        ByteBuf payload = data.content();
        int bytes = payload.readableBytes();
        if (bytes > WireLimits.STREAM_DATA_BYTES_MAX) {
            data.release();
            failures.drop(ctx, data, new EncoderException("STREAM_DATA payload of " + bytes + " bytes exceeds limit "
                    + WireLimits.STREAM_DATA_BYTES_MAX), promise);
            return;
        }
        ByteBuf header = ctx.alloc().directBuffer(STREAM_DATA_HEADER_BYTES);
        header.writeInt(1 + WireLimits.STREAM_ID_BYTES + bytes)
                .writeByte(FrameType.STREAM_DATA.code())
                .writeInt(data.streamId());
        ctx.write(header, promise.isVoid() ? promise : new VoidChannelPromise(ctx.channel(), false));
        ctx.write(payload, promise); // the payload is the frame's content: its ownership passes with it
    }

    /** The wire bytes of {@code msg}, or null when it is no frame. Throws when it cannot be encoded. */
    private ByteBuf encode(ByteBufAllocator alloc, Object msg) {
        if (msg instanceof MessageFrame frame) {
            return MessageCodec.encodeMessage(alloc, frame, maxFrameBytes);
        }
        if (msg instanceof MessageAck ack) {
            return MessageCodec.encodeAck(alloc, ack);
        }
        if (!(msg instanceof Preamble || msg instanceof HandshakeFrame || msg instanceof ReasonFrame
                || msg instanceof ControlMessage || msg instanceof LinkCostFrame || msg instanceof StreamFrame)) {
            return null;
        }
        ByteBuf out = allocate(alloc, msg);
        try {
            encodeControl(msg, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Address frames (up to megabytes, written field by field) go into an unpooled heap buffer, which is never wrapped
     * by the leak detector: under paranoid detection every field written to a pooled buffer records a stack trace,
     * and a 60,000-entry snapshot held the event loop for seconds. The transport copies it out in one go.
     */
    private static ByteBuf allocate(ByteBufAllocator alloc, Object msg) {
        if (msg instanceof AddressSnapshot || msg instanceof AddressUpdate) {
            return Unpooled.buffer(4096);
        }
        return alloc.ioBuffer();
    }

    /**
     * The preamble and a REFUSE as raw bytes: the answer to a plain peer at a TLS port, written beneath the TLS
     * handler so that the peer can read (and log) why it is refused.
     */
    public static ByteBuf plainRefusal(ByteBufAllocator alloc, ReasonCode reason, String text) {
        ByteBuf out = alloc.buffer();
        out.writeBytes(WireLimits.MAGIC).writeShort(WireLimits.PROTOCOL_VERSION);
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeByte(FrameType.REFUSE.code()).writeShort(reason.code());
        WireStrings.write(out, truncate(text, WireLimits.REASON_TEXT_BYTES_MAX), WireLimits.STRING_BYTES_MAX);
        out.setInt(start, out.writerIndex() - start - WireLimits.LENGTH_FIELD_BYTES);
        return out;
    }

    private void encodeControl(Object msg, ByteBuf out) {
        if (msg instanceof Preamble preamble) {
            out.writeBytes(WireLimits.MAGIC).writeShort(preamble.version());
            return;
        }
        int start = out.writerIndex();
        out.writeInt(0); // length, patched below
        if (msg instanceof HandshakeFrame handshake) {
            writeHandshake(handshake, out);
        } else if (msg instanceof ReasonFrame reason) {
            out.writeByte(reason.type().code()).writeShort(reason.reasonCode());
            WireStrings.write(out, truncate(reason.text(), WireLimits.REASON_TEXT_BYTES_MAX), WireLimits.STRING_BYTES_MAX);
        } else if (msg instanceof Hello hello) {
            writeHello(hello, out);
        } else if (msg instanceof LinkCostFrame linkCost) {
            out.writeByte(FrameType.LINK_COST.code()).writeInt(linkCost.cost());
        } else if (msg instanceof LinkStateUpdate update) {
            writeLinkState(update.linkState(), out);
        } else if (msg instanceof AddressUpdate update) {
            AddressCodec.writeUpdate(update, out);
        } else if (msg instanceof AddressSnapshot snapshot) {
            AddressCodec.writeSnapshot(snapshot, out);
        } else if (msg instanceof StreamFrame frame) {
            writeStreamFrame(frame, out);
        } else {
            AddressCodec.writeSyncRequest((AddressSyncRequest) msg, out);
        }
        int length = out.writerIndex() - start - WireLimits.LENGTH_FIELD_BYTES;
        out.setInt(start, length);
        if (length > maxFrameBytes) {
            FrameType type = FrameType.fromCode(out.getUnsignedByte(start + WireLimits.LENGTH_FIELD_BYTES));
            long total = (long) length + WireLimits.LENGTH_FIELD_BYTES;
            if (type == null || !type.fragmentable() || total > WireLimits.reassembledBytesMax(maxFrameBytes)) {
                out.writerIndex(start);
                throw new EncoderException("frame of " + length + " bytes exceeds limit " + maxFrameBytes);
            }
            fragment(out, start);
        }
    }

    /**
     * Replaces the frame written from {@code start} with FRAGMENT frames of at most the frame limit that carry its
     * bytes, length field included, in order (docs/protocol.md, 0x04 FRAGMENT). Rare and large: one copy is fine.
     */
    private void fragment(ByteBuf out, int start) {
        ByteBuf whole = out.copy(start, out.writerIndex() - start);
        try {
            out.writerIndex(start);
            int pieceMax = maxFrameBytes - 1 - WireLimits.FRAGMENT_HEADER_BYTES;
            while (whole.isReadable()) {
                int piece = Math.min(pieceMax, whole.readableBytes());
                boolean more = piece < whole.readableBytes();
                out.writeInt(1 + WireLimits.FRAGMENT_HEADER_BYTES + piece)
                        .writeByte(FrameType.FRAGMENT.code())
                        .writeByte(more ? WireLimits.FRAGMENT_MORE : 0)
                        .writeBytes(whole, piece);
            }
        } finally {
            whole.release();
        }
    }

    private static void writeHandshake(HandshakeFrame handshake, ByteBuf out) {
        out.writeByte(FrameType.HANDSHAKE.code())
                .writeByte(handshake.modeCode())
                .writeInt(handshake.cost())
                .writeLong(handshake.instance());
        WireStrings.write(out, handshake.routerId(), WireLimits.NAME_BYTES_MAX);
        WireStrings.write(out, handshake.network(), WireLimits.NAME_BYTES_MAX);
        out.writeByte(handshake.role()).writeByte(handshake.dataConnections());
        out.writeInt((int) handshake.helloIntervalMillis()).writeInt((int) handshake.deadIntervalMillis());
        if (handshake.features() != 0 || handshake.isStream()) {
            out.writeByte(handshake.features());
        }
        if (handshake.isStream()) {
            out.writeInt(handshake.streamId());
        }
    }

    private static void writeHello(Hello hello, ByteBuf out) {
        out.writeByte(FrameType.HELLO.code());
        WireStrings.write(out, hello.routerId(), WireLimits.NAME_BYTES_MAX);
        out.writeLong(hello.instance());
        if (hello.seen().size() > 0xFFFF) {
            throw new EncoderException("HELLO lists " + hello.seen().size() + " routers; at most 65535 fit");
        }
        out.writeShort(hello.seen().size());
        for (String seen : hello.seen()) {
            WireStrings.write(out, seen, WireLimits.NAME_BYTES_MAX);
        }
    }

    private static void writeLinkState(LinkState state, ByteBuf out) {
        out.writeByte(FrameType.LINK_STATE.code());
        WireStrings.write(out, state.routerId(), WireLimits.NAME_BYTES_MAX);
        out.writeLong(state.instance()).writeLong(state.sequence()).writeLong(state.addressSequence())
                .writeInt(state.peers().size());
        for (Map.Entry<String, Integer> peer : state.peers().entrySet()) {
            WireStrings.write(out, peer.getKey(), WireLimits.NAME_BYTES_MAX);
            out.writeInt(peer.getValue());
        }
    }

    private static void writeStreamFrame(StreamFrame frame, ByteBuf out) {
        FrameType type;
        if (frame instanceof StreamFrame.Open) {
            type = FrameType.STREAM_OPEN;
        } else if (frame instanceof StreamFrame.Window) {
            type = FrameType.STREAM_WINDOW;
        } else if (frame instanceof StreamFrame.End) {
            type = FrameType.STREAM_END;
        } else if (frame instanceof StreamFrame.Moved) {
            type = FrameType.STREAM_MOVED;
        } else if (frame instanceof StreamFrame.Reset) {
            type = FrameType.STREAM_RESET;
        } else if (frame instanceof StreamFrame.Opened) {
            type = FrameType.STREAM_OPENED;
        } else {
            throw new EncoderException("STREAM_DATA is written by writeStreamData");
        }
        out.writeByte(type.code()).writeInt(frame.streamId());
        if (frame instanceof StreamFrame.Open open) {
            WireStrings.write(out, open.destination(), WireLimits.NAME_BYTES_MAX);
            WireStrings.write(out, open.address(), WireLimits.NAME_BYTES_MAX);
            WireStrings.write(out, open.origin(), WireLimits.NAME_BYTES_MAX);
            out.writeInt(open.window());
        } else if (frame instanceof StreamFrame.Window window) {
            out.writeInt(window.bytes());
        } else if (frame instanceof StreamFrame.End end && end.counted()) {
            out.writeLong(end.bytes());
        } else if (frame instanceof StreamFrame.Reset reset) {
            out.writeShort(reset.reasonCode());
            WireStrings.write(out, truncate(reset.text(), WireLimits.REASON_TEXT_BYTES_MAX), WireLimits.STRING_BYTES_MAX);
        }
    }


    /** Cuts {@code text} to at most {@code maxBytes} UTF-8 bytes without splitting a character. */
    static String truncate(String text, int maxBytes) {
        if (ByteBufUtil.utf8Bytes(text) <= maxBytes) {
            return text;
        }
        int end = Math.min(text.length(), maxBytes);
        while (end > 0 && ByteBufUtil.utf8Bytes(text, 0, end) > maxBytes) {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
