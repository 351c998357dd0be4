package io.vanrouter.transport.stream;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes of finished streams per (address, role), added once when a stream ends (never per chunk). Addresses past
 * {@link #ADDRESSES_MAX} are counted under {@link #OTHER}. Any thread.
 */
public final class StreamTotals {
    public static final int ADDRESSES_MAX = 10_000;
    public static final String OTHER = "(other)";

    /** The bytes of one address and role. */
    public record Bytes(long toConnector, long toListener) {
    }

    private static final class Row {
        final LongAdder toConnector = new LongAdder();
        final LongAdder toListener = new LongAdder();
    }

    private final Map<String, Row> rows = new ConcurrentHashMap<>();

    void add(String address, String role, long toConnector, long toListener) {
        String key = role + '\u0000' + address;
        Row row = rows.get(key);
        if (row == null) {
            row = rows.computeIfAbsent(rows.size() >= ADDRESSES_MAX ? role + '\u0000' + OTHER : key, k -> new Row());
        }
        row.toConnector.add(toConnector);
        row.toListener.add(toListener);
    }

    /** Key {@code role + '\0' + address}; sorted. */
    public Map<String, Bytes> snapshot() {
        Map<String, Bytes> copy = new TreeMap<>();
        rows.forEach((key, row) -> copy.put(key, new Bytes(row.toConnector.sum(), row.toListener.sum())));
        return copy;
    }
}
