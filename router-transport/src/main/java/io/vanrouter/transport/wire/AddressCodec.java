package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import java.util.List;

/**
 * Payloads of the address frames (ADDRESS_UPDATE, ADDRESS_SNAPSHOT, ADDRESS_SYNC_REQUEST); see docs/protocol.md.
 * Writers emit the type byte and payload; {@link AddressFrameParser} reads snapshots and updates in slices.
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
}
