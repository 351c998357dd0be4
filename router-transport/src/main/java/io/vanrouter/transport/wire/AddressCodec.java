package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads of the address frames (ADDRESS_UPDATE, ADDRESS_SNAPSHOT, ADDRESS_SYNC_REQUEST); see docs/protocol.md.
 * Writers emit the type byte and payload; readers parse exactly and name the field that is wrong.
 *
 * <p>Stateless; any thread.
 */
final class AddressCodec {
    /** Smallest address: kind (1) plus two empty strings (2 + 2). */
    static final int ADDRESS_BYTES_MIN = 5;
    /** Smallest entry: an address plus its u32 consumer count. */
    static final int ENTRY_BYTES_MIN = ADDRESS_BYTES_MIN + 4;

    private AddressCodec() {
    }

    static void writeUpdate(AddressUpdate update, ByteBuf out) {
        out.writeByte(FrameType.ADDRESS_UPDATE.code());
        WireStrings.write(out, update.routerId(), WireLimits.NAME_BYTES_MAX);
        out.writeLong(update.instance()).writeLong(update.sequence());
        writeEntries(update.adds(), out);
        out.writeInt(update.removes().size());
        for (Address address : update.removes()) {
            writeAddress(address, out);
        }
    }

    static void writeSnapshot(AddressSnapshot snapshot, ByteBuf out) {
        out.writeByte(FrameType.ADDRESS_SNAPSHOT.code());
        WireStrings.write(out, snapshot.origin(), WireLimits.NAME_BYTES_MAX);
        out.writeLong(snapshot.instance()).writeLong(snapshot.sequence());
        writeEntries(snapshot.entries(), out);
    }

    static void writeSyncRequest(AddressSyncRequest request, ByteBuf out) {
        out.writeByte(FrameType.ADDRESS_SYNC_REQUEST.code());
        WireStrings.write(out, request.origin(), WireLimits.NAME_BYTES_MAX);
    }

    static AddressUpdate parseUpdate(PayloadReader reader) {
        String routerId = reader.string("routerId", WireLimits.NAME_BYTES_MAX);
        long instance = reader.u64("instance");
        long sequence = reader.u64("sequence");
        if (sequence < 1) {
            throw reader.malformed("sequence must be at least 1");
        }
        List<AddressEntry> adds = parseEntries(reader, "adds");
        int removeCount = reader.count(reader.u32("removes count"), ADDRESS_BYTES_MIN, "removes count");
        List<Address> removes = new ArrayList<>(removeCount);
        for (int i = 0; i < removeCount; i++) {
            removes.add(parseAddress(reader, "removes[" + i + "]"));
        }
        reader.expectEnd();
        return new AddressUpdate(routerId, instance, sequence, adds, removes);
    }

    static AddressSnapshot parseSnapshot(PayloadReader reader) {
        String origin = reader.string("origin", WireLimits.NAME_BYTES_MAX);
        long instance = reader.u64("instance");
        long sequence = reader.u64("sequence");
        if (sequence < 0) { // u64 above 2^63 - 1: the core compares sequences as signed values
            throw reader.malformed("sequence " + Long.toUnsignedString(sequence) + " out of range 0.."
                    + Long.MAX_VALUE);
        }
        List<AddressEntry> entries = parseEntries(reader, "entries");
        reader.expectEnd();
        return new AddressSnapshot(origin, instance, sequence, entries);
    }

    static AddressSyncRequest parseSyncRequest(PayloadReader reader) {
        String origin = reader.string("origin", WireLimits.NAME_BYTES_MAX);
        reader.expectEnd();
        return new AddressSyncRequest(origin);
    }

    private static void writeEntries(List<AddressEntry> entries, ByteBuf out) {
        out.writeInt(entries.size());
        for (AddressEntry entry : entries) {
            writeAddress(entry.address(), out);
            out.writeInt(entry.consumers());
        }
    }

    private static void writeAddress(Address address, ByteBuf out) {
        out.writeByte(address.kind().code());
        WireStrings.write(out, address.name(), Address.NAME_BYTES_MAX);
        WireStrings.write(out, address.group() == null ? "" : address.group(), Address.GROUP_BYTES_MAX);
    }

    private static List<AddressEntry> parseEntries(PayloadReader reader, String field) {
        int count = reader.count(reader.u32(field + " count"), ENTRY_BYTES_MIN, field + " count");
        List<AddressEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = field + "[" + i + "]";
            Address address = parseAddress(reader, name);
            int consumers = reader.positiveInt(name + " consumers");
            entries.add(new AddressEntry(address, consumers));
        }
        return entries;
    }

    private static Address parseAddress(PayloadReader reader, String field) {
        int code = reader.u8(field + " kind");
        AddressKind kind;
        try {
            kind = AddressKind.fromCode((byte) code);
        } catch (IllegalArgumentException e) {
            throw reader.malformed(field + " has unknown kind " + code);
        }
        String name = reader.string(field + " name", Address.NAME_BYTES_MAX);
        String group = reader.string(field + " group", Address.GROUP_BYTES_MAX);
        String groupOrNull = group.isEmpty() ? null : group;
        String problem = Address.problem(kind, name, groupOrNull);
        if (problem != null) {
            throw reader.malformed(field + ": " + problem);
        }
        return new Address(kind, name, groupOrNull);
    }

}
