package io.vanrouter.transport.stream;

import io.vanrouter.transport.wire.StreamResetCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Streams that ended in a reset at one router, counted by cause, with the last reason text of each cause: a client
 * that sees "connection reset" can be matched to why (a link went down, no connector, a failed connect...).
 *
 * <p>Any thread.
 */
public final class StreamResets {
    private static final StreamResetCode[] CODES = StreamResetCode.values();

    private final AtomicLongArray counts = new AtomicLongArray(CODES.length);
    private final AtomicReferenceArray<String> lastReasons = new AtomicReferenceArray<>(CODES.length);

    void count(StreamResetCode code, String reason) {
        lastReasons.set(code.ordinal(), reason); // first: a reader that sees the count sees a reason
        counts.incrementAndGet(code.ordinal());
    }

    public long count(StreamResetCode code) {
        return counts.get(code.ordinal());
    }

    public long total() {
        long total = 0;
        for (int i = 0; i < CODES.length; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The causes seen so far, with their counts. */
    public Map<StreamResetCode, Long> byCode() {
        Map<StreamResetCode, Long> seen = new EnumMap<>(StreamResetCode.class);
        for (StreamResetCode code : CODES) {
            long count = counts.get(code.ordinal());
            if (count > 0) {
                seen.put(code, count);
            }
        }
        return seen;
    }

    /** "LINK_DOWN x3 (last: link a->b down: ...)", one entry per cause seen; "none" if nothing was reset. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        byCode().forEach((code, count) -> {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(code).append(" x").append(count).append(" (last: ").append(lastReasons.get(code.ordinal()))
                    .append(')');
        });
        return out.length() == 0 ? "none" : out.toString();
    }
}
