package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;

/**
 * The strings a connection's decoder read lately, found again by their bytes. A link's MESSAGE frames repeat the same
 * ingress router, topic and group over and over; decoding each again costs a UTF-8 check and two allocations per
 * field (docs/benchmarks.md: a quarter of what a message allocates at its egress router). Only ASCII strings are kept,
 * so that a byte-for-byte match against the string's characters proves the bytes equal, and valid.
 *
 * <p>A small direct-mapped table: a miss costs a comparison and a slot overwrite, no allocation. One per decoder;
 * used on its event loop only.
 */
final class RecentStrings {
    /** The MESSAGE fields kept here; each has its own slots, so one frame's fields never push each other out. */
    static final int INGRESS = 0;
    static final int TOPIC = 1;
    static final int DESTINATION = 2;
    static final int GROUP = 3;
    private static final int FIELDS = 4;
    private static final int SLOTS_PER_FIELD = 16; // a power of two
    private final String[] values = new String[FIELDS * SLOTS_PER_FIELD];

    /** The string earlier read as {@code field} ({@link #INGRESS} ...) from these bytes of {@code in}, or null. */
    String find(int field, ByteBuf in, int index, int length) {
        String value = values[slot(field, in, index, length)];
        if (value == null || value.length() != length) {
            return null;
        }
        for (int i = 0; i < length; i++) {
            if (in.getByte(index + i) != value.charAt(i)) { // a non-ASCII byte is negative: never equal
                return null;
            }
        }
        return value;
    }

    /** Remembers {@code value}, read from the {@code length} bytes at {@code index}, if it is ASCII. */
    void remember(int field, ByteBuf in, int index, int length, String value) {
        if (value.length() == length) { // UTF-8: as many characters as bytes only when every one is ASCII
            values[slot(field, in, index, length)] = value;
        }
    }

    private static int slot(int field, ByteBuf in, int index, int length) {
        int h = length;
        if (length > 0) {
            h = h * 31 + in.getByte(index);
            h = h * 31 + in.getByte(index + length - 1);
            h = h * 31 + in.getByte(index + (length >>> 1));
        }
        h ^= h >>> 16;
        h ^= h >>> 7;
        return field * SLOTS_PER_FIELD + (h & (SLOTS_PER_FIELD - 1));
    }
}
