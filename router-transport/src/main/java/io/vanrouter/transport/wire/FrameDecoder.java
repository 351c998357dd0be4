package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Checks the peer's preamble, then turns frames into {@link HandshakeFrame}, {@link ReasonFrame}, {@link Hello} and
 * {@link LinkStateUpdate}. Faults raise a {@link WireException} with the reason to send; after one, every further
 * byte is discarded. An oversized frame is refused as soon as its length is read, and an unknown optional frame is
 * skipped as it arrives, so neither is ever buffered.
 *
 * <p>Control payloads are copied out of the cumulation into a plain heap array before they are parsed: one bulk copy
 * is cheaper than field-by-field reads through a pooled (and, under leak detection, instrumented) buffer, and it lets
 * the cumulation go at once. Address snapshots and updates, which may list a million entries, are parsed in slices
 * ({@link AddressFrameParser#ENTRIES_PER_SLICE} entries per event-loop task): while one is in progress the decoder
 * stops reading the socket and decodes nothing else, so frames keep their order, and the loop runs hellos, writes
 * and other links between slices. A link's liveness never waits for a large frame to be decoded in one go.
 *
 * <p>One per channel; owning event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private enum State { PREAMBLE, HEADER, SKIP, SLICING, FAILED }

    private static final int HEADER_BYTES = WireLimits.LENGTH_FIELD_BYTES + 1;
    /** The first byte of a TLS ClientHello record: a TLS client at a plain port gets a precise complaint. */
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    private final int maxFrameBytes;
    private final RecentStrings recentStrings = new RecentStrings();
    private State state = State.PREAMBLE;
    private long skipRemaining;
    /** Bytes of a fragmented frame received so far (FRAGMENT frames with the MORE flag), or null. */
    private ByteBuf reassembly;
    /** The address frame being parsed in slices (state SLICING), or null. */
    private AddressFrameParser slicing;
    private boolean autoReadAfterSlicing;

    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            decodeAvailable(ctx, in, out);
        } catch (WireException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            releaseReassembly();
            throw e;
        }
    }

    /**
     * Bytes read but not decoded yet. While a HANDSHAKE is being handled: what the peer sent behind it in the same
     * read, which this decoder goes on to decode unless the handler removes it first.
     */
    public int undecodedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseReassembly();
        slicing = null;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (state == State.SLICING) {
            // Not super: with nothing decoded it would ask for another read, and reads are off on purpose.
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    private void releaseReassembly() {
        if (reassembly != null) {
            reassembly.release();
            reassembly = null;
        }
    }

    private void decodeAvailable(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable() && state != State.SLICING) {
            switch (state) {
                case PREAMBLE -> {
                    if (!readPreamble(in)) {
                        return;
                    }
                }
                case HEADER -> {
                    if (!readFrame(ctx, in, out)) {
                        return;
                    }
                }
                case SKIP -> {
                    int skip = (int) Math.min(skipRemaining, in.readableBytes());
                    in.skipBytes(skip);
                    skipRemaining -= skip;
                    if (skipRemaining == 0) {
                        state = State.HEADER;
                    }
                }
                case FAILED -> in.skipBytes(in.readableBytes());
                default -> throw new IllegalStateException("state " + state);
            }
        }
    }

    /** Checks magic bytes as they arrive, so garbage fails fast; returns true once the whole preamble is read. */
    private boolean readPreamble(ByteBuf in) {
        int index = in.readerIndex();
        int available = Math.min(in.readableBytes(), WireLimits.MAGIC.length);
        for (int i = 0; i < available; i++) {
            if (in.getByte(index + i) != WireLimits.MAGIC[i]) {
                throw i == 0 && in.getByte(index) == TLS_HANDSHAKE_RECORD ? WireException.tlsOnPlainPort()
                        : WireException.badPreamble();
            }
        }
        if (in.readableBytes() < WireLimits.PREAMBLE_BYTES) {
            return false;
        }
        int version = in.getUnsignedShort(index + WireLimits.MAGIC.length);
        if (version != WireLimits.PROTOCOL_VERSION) {
            throw new WireException(ReasonCode.UNSUPPORTED_VERSION, "peer speaks protocol version " + version
                    + "; this router speaks " + WireLimits.PROTOCOL_VERSION);
        }
        in.skipBytes(WireLimits.PREAMBLE_BYTES);
        state = State.HEADER;
        return true;
    }

    /** Returns true when a frame was consumed (decoded or skip started), false when more bytes are needed. */
    private boolean readFrame(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < WireLimits.LENGTH_FIELD_BYTES) {
            return false;
        }
        int index = in.readerIndex();
        long length = in.getUnsignedInt(index);
        if (length > maxFrameBytes) {
            throw new WireException(ReasonCode.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes exceeds limit " + maxFrameBytes);
        }
        if (length == 0) {
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed frame: length 0 has no type byte");
        }
        if (in.readableBytes() < HEADER_BYTES) {
            return false;
        }
        int code = in.getUnsignedByte(index + WireLimits.LENGTH_FIELD_BYTES);
        FrameType type = FrameType.fromCode(code);
        if (type == null && code < FrameType.OPTIONAL_CODE_MIN) {
            throw new WireException(ReasonCode.PROTOCOL_ERROR, String.format("unknown frame type 0x%02x", code));
        }
        if (reassembly != null && type != FrameType.FRAGMENT) {
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed frame: "
                    + (type != null ? type.name() : String.format("frame type 0x%02x", code))
                    + " inside a fragmented frame (fragments must be consecutive)");
        }
        if (type == null) {
            in.skipBytes(HEADER_BYTES);
            skipRemaining = length - 1;
            state = skipRemaining == 0 ? State.HEADER : State.SKIP;
            return true;
        }
        if (in.readableBytes() < WireLimits.LENGTH_FIELD_BYTES + length) {
            return false;
        }
        in.skipBytes(HEADER_BYTES);
        if (type == FrameType.FRAGMENT) {
            readFragment(ctx, in, (int) length - 1, out);
            return true;
        }
        if (type == FrameType.STREAM_DATA) {
            out.add(readData(in, (int) length - 1)); // payload: retained slice, no copy
            return true;
        }
        if (type == FrameType.MESSAGE) {
            out.add(MessageCodec.readMessage(in, (int) length - 1, recentStrings)); // payload: retained slice, no copy
            return true;
        }
        ByteBuf payload = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(in, in.readerIndex(), (int) length - 1));
        in.skipBytes((int) length - 1);
        emit(ctx, type, new PayloadReader(payload, type), out);
        // After a HANDSHAKE, stop: a stream connection's raw bytes may follow it in the same read, and its handler
        // removes this decoder on the HANDSHAKE (the bytes left then go on as they are, undecoded).
        return type != FrameType.HANDSHAKE;
    }

    /** Parses a control payload into {@code out}, or starts parsing an address frame in slices. */
    private void emit(ChannelHandlerContext ctx, FrameType type, PayloadReader reader, List<Object> out) {
        if (type != FrameType.ADDRESS_SNAPSHOT && type != FrameType.ADDRESS_UPDATE) {
            out.add(parse(type, reader));
            return;
        }
        AddressFrameParser parser = type == FrameType.ADDRESS_SNAPSHOT ? AddressFrameParser.snapshot(reader)
                : AddressFrameParser.update(reader);
        Object message = parser.parseSome(AddressFrameParser.ENTRIES_PER_SLICE);
        if (message != null) {
            out.add(message);
            return;
        }
        slicing = parser;
        state = State.SLICING;
        ChannelConfig config = ctx.channel().config();
        autoReadAfterSlicing = config.isAutoRead();
        config.setAutoRead(false);
        ctx.executor().execute(() -> continueSlicing(ctx));
    }

    /** One more slice of the address frame in progress; once it is whole, passes it on and decodes what follows. */
    private void continueSlicing(ChannelHandlerContext ctx) {
        if (state != State.SLICING || ctx.isRemoved() || !ctx.channel().isActive()) {
            slicing = null;
            return;
        }
        Object message;
        try {
            message = slicing.parseSome(AddressFrameParser.ENTRIES_PER_SLICE);
        } catch (WireException e) {
            slicing = null;
            state = State.FAILED;
            ctx.fireExceptionCaught(e);
            return;
        }
        if (message == null) {
            ctx.executor().execute(() -> continueSlicing(ctx));
            return;
        }
        slicing = null;
        state = State.HEADER;
        ctx.fireChannelRead(message);
        if (autoReadAfterSlicing) {
            ctx.channel().config().setAutoRead(true);
        }
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER); // decodes the frames that arrived behind it
            channelReadComplete(ctx);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /**
     * FRAGMENT: appends the piece; after the last one, decodes the reassembled bytes as one frame, which must be of a
     * fragmentable type and may be up to {@link WireLimits#reassembledBytesMax} long.
     */
    private void readFragment(ChannelHandlerContext ctx, ByteBuf in, int bodyBytes, List<Object> out) {
        if (bodyBytes < WireLimits.FRAGMENT_HEADER_BYTES) {
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed FRAGMENT frame: no flags byte");
        }
        int flags = in.readUnsignedByte();
        int piece = bodyBytes - WireLimits.FRAGMENT_HEADER_BYTES;
        if ((flags & ~WireLimits.FRAGMENT_MORE) != 0) {
            in.skipBytes(piece);
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed FRAGMENT frame: flags 0x"
                    + Integer.toHexString(flags));
        }
        long limit = WireLimits.reassembledBytesMax(maxFrameBytes);
        long total = (reassembly == null ? 0 : reassembly.readableBytes()) + (long) piece;
        if (total > limit) {
            in.skipBytes(piece);
            throw new WireException(ReasonCode.FRAME_TOO_LARGE, "fragmented frame of more than " + total
                    + " bytes exceeds limit " + limit);
        }
        if (reassembly == null) {
            reassembly = in.alloc().heapBuffer(Math.max(piece, 256));
        }
        reassembly.writeBytes(in, piece);
        if ((flags & WireLimits.FRAGMENT_MORE) != 0) {
            return;
        }
        ByteBuf whole = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(reassembly));
        releaseReassembly();
        FrameType type = readReassembledHeader(whole);
        emit(ctx, type, new PayloadReader(whole, type), out);
    }

    /** Checks the header of a reassembled frame and returns its type; the payload follows in {@code whole}. */
    private static FrameType readReassembledHeader(ByteBuf whole) {
        if (whole.readableBytes() < HEADER_BYTES) {
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed FRAGMENT frames: reassembled "
                    + whole.readableBytes() + " bytes, less than a frame header");
        }
        long length = whole.readUnsignedInt();
        if (length != whole.readableBytes()) {
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed FRAGMENT frames: reassembled frame says "
                    + length + " bytes, fragments carried " + whole.readableBytes());
        }
        int code = whole.readUnsignedByte();
        FrameType type = FrameType.fromCode(code);
        if (type == null || !type.fragmentable()) {
            throw new WireException(ReasonCode.MALFORMED_FRAME, String.format(
                    "malformed FRAGMENT frames: frame type 0x%02x may not be fragmented", code));
        }
        return type;
    }

    /** STREAM_DATA: the payload is a retained slice of the cumulation, never a copy. */
    private static StreamFrame.Data readData(ByteBuf in, int bodyBytes) {
        if (bodyBytes < WireLimits.STREAM_ID_BYTES) {
            in.skipBytes(bodyBytes);
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed STREAM_DATA frame: truncated reading "
                    + "stream id (need 4 bytes, " + bodyBytes + " left)");
        }
        int payloadBytes = bodyBytes - WireLimits.STREAM_ID_BYTES;
        if (payloadBytes > WireLimits.STREAM_DATA_BYTES_MAX) {
            in.skipBytes(bodyBytes);
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed STREAM_DATA frame: payload of "
                    + payloadBytes + " bytes exceeds limit " + WireLimits.STREAM_DATA_BYTES_MAX);
        }
        int streamId = in.readInt();
        if (streamId == 0) {
            in.skipBytes(payloadBytes);
            throw new WireException(ReasonCode.MALFORMED_FRAME, "malformed STREAM_DATA frame: stream id 0");
        }
        return new StreamFrame.Data(streamId, in.readRetainedSlice(payloadBytes));
    }

    private static Object parse(FrameType type, PayloadReader reader) {
        return switch (type) {
            case HANDSHAKE -> parseHandshake(reader);
            case REFUSE, CLOSE -> parseReason(type, reader);
            case HELLO -> parseHello(reader);
            case LINK_STATE -> parseLinkState(reader);
            case ADDRESS_UPDATE -> AddressFrameParser.update(reader).parseAll();
            case ADDRESS_SNAPSHOT -> AddressFrameParser.snapshot(reader).parseAll();
            case ADDRESS_SYNC_REQUEST -> AddressCodec.parseSyncRequest(reader);
            case STREAM_DATA -> throw new IllegalStateException("STREAM_DATA is read without a PayloadReader");
            case MESSAGE_ACK -> MessageCodec.parseAck(reader);
            case LINK_COST -> parseLinkCost(reader);
            case MESSAGE -> throw new IllegalStateException("MESSAGE is read without a PayloadReader");
            default -> StreamFrameParser.parse(type, reader);
        };
    }

    private static HandshakeFrame parseHandshake(PayloadReader reader) {
        int mode = reader.u8("mode");
        int cost = reader.positiveInt("cost");
        long instance = reader.u64("instance");
        String routerId = reader.string("routerId", WireLimits.NAME_BYTES_MAX);
        String network = reader.string("network", WireLimits.NAME_BYTES_MAX);
        // Appended fields: absent from older senders (read as 0); bytes after them are fields of a later version,
        // ignored on purpose.
        int role = reader.remaining() >= 1 ? reader.u8("role") : HandshakeFrame.ROLE_LINK;
        int dataConnections = reader.remaining() >= 1 ? reader.u8("dataConnections") : 0;
        boolean liveness = reader.remaining() >= 8;
        long hello = liveness ? reader.u32("helloInterval") : 0;
        long dead = liveness ? reader.u32("deadInterval") : 0;
        int features = liveness && reader.remaining() >= 1 ? reader.u8("features") : 0;
        int streamId = 0;
        if (role == HandshakeFrame.ROLE_STREAM) {
            streamId = (int) reader.u32("streamId"); // a stream connection without its stream id is malformed
        }
        return new HandshakeFrame(mode, cost, instance, routerId, network, role, dataConnections, hello, dead,
                features, streamId);
    }

    private static LinkCostFrame parseLinkCost(PayloadReader reader) {
        int cost = reader.positiveInt("cost");
        // Bytes after it are fields of a later version, ignored on purpose (as in HANDSHAKE).
        return new LinkCostFrame(cost);
    }

    private static ReasonFrame parseReason(FrameType type, PayloadReader reader) {
        int code = reader.u16("reason");
        String text = reader.string("text", WireLimits.STRING_BYTES_MAX);
        reader.expectEnd();
        return new ReasonFrame(type, code, text);
    }

    private static Hello parseHello(PayloadReader reader) {
        String routerId = reader.string("routerId", WireLimits.NAME_BYTES_MAX);
        long instance = reader.u64("instance");
        int count = reader.count(reader.u16("seen count"), WireLimits.STRING_BYTES_MIN, "seen count");
        List<String> seen = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            seen.add(reader.string("seen[" + i + "]", WireLimits.NAME_BYTES_MAX));
        }
        reader.expectEnd();
        return new Hello(routerId, instance, seen);
    }

    private static LinkStateUpdate parseLinkState(PayloadReader reader) {
        String routerId = reader.string("routerId", WireLimits.NAME_BYTES_MAX);
        long instance = reader.u64("instance");
        long sequence = reader.u64("sequence");
        long addressSequence = reader.u64("addressSequence");
        int count = reader.count(reader.u32("peer count"), WireLimits.PEER_ENTRY_BYTES_MIN, "peer count");
        TreeMap<String, Integer> peers = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String peer = reader.string("peers[" + i + "] id", WireLimits.NAME_BYTES_MAX);
            int cost = reader.positiveInt("peers[" + i + "] cost");
            if (peers.put(peer, cost) != null) {
                throw reader.malformed("peer '" + peer + "' listed twice");
            }
        }
        reader.expectEnd();
        return new LinkStateUpdate(new LinkState(routerId, instance, sequence, peers, addressSequence));
    }
}
