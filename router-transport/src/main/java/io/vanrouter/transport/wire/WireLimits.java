package io.vanrouter.transport.wire;

/** Constants of wire format version 1. Values are part of the protocol: see docs/protocol.md. */
public final class WireLimits {
    /** The preamble's magic, "VANR" in ASCII. */
    public static final byte[] MAGIC = {'V', 'A', 'N', 'R'};
    public static final int PROTOCOL_VERSION = 1;
    /** Magic plus u16 version. */
    public static final int PREAMBLE_BYTES = MAGIC.length + 2;
    /** The u32 length that precedes every frame; it counts the type byte and the payload. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Longest router id or network name, in UTF-8 bytes. */
    public static final int NAME_BYTES_MAX = 255;
    /** Longest reason text a sender writes; longer texts are cut at a character boundary. */
    public static final int REASON_TEXT_BYTES_MAX = 1024;
    /** Longest string the u16 length prefix can describe. */
    public static final int STRING_BYTES_MAX = 0xFFFF;
    /** Smallest encoding of one LINK_STATE peer entry: empty string (2) plus cost (4). */
    public static final int PEER_ENTRY_BYTES_MIN = 6;
    /** Smallest encoding of one string: its u16 length. */
    public static final int STRING_BYTES_MIN = 2;

    /** Largest STREAM_DATA payload a sender writes and a receiver accepts. */
    public static final int STREAM_DATA_BYTES_MAX = 64 << 10;
    /** u32 stream id that follows the type byte of every stream frame. */
    public static final int STREAM_ID_BYTES = 4;

    /** A FRAGMENT's flag: more fragments of the same frame follow. */
    public static final int FRAGMENT_MORE = 0x01;
    /** Flags byte after FRAGMENT's type byte. */
    public static final int FRAGMENT_HEADER_BYTES = 1;
    /** A fragmented frame may be this many times the frame limit once reassembled. */
    public static final int FRAGMENTED_FRAME_FACTOR = 16;

    /** Largest frame, length field included, that a router sends in fragments or reassembles from them. */
    public static long reassembledBytesMax(int maxFrameBytes) {
        return (long) maxFrameBytes * FRAGMENTED_FRAME_FACTOR;
    }

    private WireLimits() {
    }
}
