package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import java.util.Map;

/**
 * Writes {@link Preamble}, {@link HandshakeFrame}, {@link ReasonFrame}, {@link Hello} and {@link LinkStateUpdate} in
 * wire format version 1. A frame larger than the limit is dropped and fails its write (the sender's bug, not the
 * peer's); the link stays up ({@link EncodeFailures}).
 *
 * <p>Stateless and sharable; runs on the owning event loop.
 */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Object> {
    private final int maxFrameBytes;
    private final EncodeFailures failures;

    /** An encoder with failures of its own (tests). */
    public FrameEncoder(int maxFrameBytes) {
        this(maxFrameBytes, new EncodeFailures("?"));
    }

    public FrameEncoder(int maxFrameBytes, EncodeFailures failures) {
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

    /** The drop counter this encoder shares with the link's other encoders. */
    public EncodeFailures failures() {
        return failures;
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

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof Preamble || msg instanceof HandshakeFrame || msg instanceof ReasonFrame
                || msg instanceof ControlMessage || msg instanceof LinkCostFrame
                || (msg instanceof StreamFrame && !(msg instanceof StreamFrame.Data));
    }

    /**
     * Address frames (up to megabytes, written field by field) go into an unpooled heap buffer, which is never wrapped
     * by the leak detector: under paranoid detection every field written to a pooled buffer records a stack trace,
     * and a 60,000-entry snapshot held the event loop for seconds. The transport copies it out in one go.
     */
    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) throws Exception {
        if (msg instanceof AddressSnapshot || msg instanceof AddressUpdate) {
            return Unpooled.buffer(4096);
        }
        return super.allocateBuffer(ctx, msg, preferDirect);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
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
            throw new EncoderException("STREAM_DATA goes through StreamDataEncoder");
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
