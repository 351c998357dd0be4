package io.vanrouter.transport.wire;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.ControlMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one ADDRESS_SNAPSHOT or ADDRESS_UPDATE payload a slice of entries at a time, so that a frame of a million
 * addresses never holds an event loop for longer than one slice: the decoder parses {@link #ENTRIES_PER_SLICE}
 * entries, lets the loop run its other work (hellos, other links), and resumes. Field names for errors are built only
 * when an error is raised.
 *
 * <p>One per frame; owning event loop.
 */
final class AddressFrameParser {
    /** Entries parsed before the event loop gets a turn: about a millisecond of work. */
    static final int ENTRIES_PER_SLICE = 4_096;

    private final PayloadReader reader;
    private final boolean update;
    private final String origin;
    private final long instance;
    private final long sequence;
    private final List<AddressEntry> adds;
    private final int addCount;
    private List<Address> removes;
    private int removeCount = -1;

    private AddressFrameParser(PayloadReader reader, boolean update) {
        this.reader = reader;
        this.update = update;
        this.origin = reader.string(update ? "routerId" : "origin", WireLimits.NAME_BYTES_MAX);
        this.instance = reader.u64("instance");
        this.sequence = reader.u64("sequence");
        if (update && sequence < 1) {
            throw reader.malformed("sequence must be at least 1");
        }
        if (sequence < 0) { // u64 above 2^63 - 1: the core compares sequences as signed values
            throw reader.malformed("sequence " + Long.toUnsignedString(sequence) + " out of range 0.."
                    + Long.MAX_VALUE);
        }
        String field = update ? "adds" : "entries";
        this.addCount = reader.count(reader.u32(field + " count"), AddressCodec.ENTRY_BYTES_MIN, field + " count");
        this.adds = new ArrayList<>(addCount);
    }

    /** Reads the header of an ADDRESS_SNAPSHOT payload; the entries follow with {@link #parseSome}. */
    static AddressFrameParser snapshot(PayloadReader reader) {
        return new AddressFrameParser(reader, false);
    }

    /** Reads the header of an ADDRESS_UPDATE payload; the entries follow with {@link #parseSome}. */
    static AddressFrameParser update(PayloadReader reader) {
        return new AddressFrameParser(reader, true);
    }

    /** Parses every remaining entry at once (small frames, tests). */
    ControlMessage parseAll() {
        ControlMessage message;
        do {
            message = parseSome(Integer.MAX_VALUE);
        } while (message == null);
        return message;
    }

    /**
     * Parses up to {@code entryBudget} more entries; returns the whole message once the payload is read (and checked
     * to end exactly there), or null when entries remain.
     */
    ControlMessage parseSome(int entryBudget) {
        int budget = entryBudget;
        while (adds.size() < addCount && budget-- > 0) {
            int index = adds.size();
            Address address = parseAddress(update ? "adds" : "entries", index);
            long consumers = reader.u32("consumers");
            if (consumers < 1 || consumers > Integer.MAX_VALUE) {
                throw reader.malformed(entryName(update ? "adds" : "entries", index) + " consumers " + consumers
                        + " out of range 1.." + Integer.MAX_VALUE);
            }
            adds.add(new AddressEntry(address, (int) consumers));
        }
        if (adds.size() < addCount) {
            return null;
        }
        if (update) {
            if (removeCount < 0) {
                removeCount = reader.count(reader.u32("removes count"), AddressCodec.ADDRESS_BYTES_MIN,
                        "removes count");
                removes = new ArrayList<>(removeCount);
            }
            while (removes.size() < removeCount && budget-- > 0) {
                removes.add(parseAddress("removes", removes.size()));
            }
            if (removes.size() < removeCount) {
                return null;
            }
        }
        reader.expectEnd();
        return update ? new AddressUpdate(origin, instance, sequence, adds, removes)
                : new AddressSnapshot(origin, instance, sequence, adds);
    }

    private Address parseAddress(String list, int index) {
        int code = reader.u8("address kind");
        AddressKind kind;
        try {
            kind = AddressKind.fromCode((byte) code);
        } catch (IllegalArgumentException e) {
            throw reader.malformed(entryName(list, index) + " has unknown kind " + code);
        }
        String name = reader.string("address name", Address.NAME_BYTES_MAX);
        String group = reader.string("address group", Address.GROUP_BYTES_MAX);
        String groupOrNull = group.isEmpty() ? null : group;
        String problem = Address.problem(kind, name, groupOrNull);
        if (problem != null) {
            throw reader.malformed(entryName(list, index) + ": " + problem);
        }
        return new Address(kind, name, groupOrNull);
    }

    private static String entryName(String list, int index) {
        return list + "[" + index + "]";
    }
}
