package io.vanrouter.transport.wire;

/** Parses the stream control frames (everything but STREAM_DATA); pure, any thread. */
final class StreamFrameParser {
    private StreamFrameParser() {
    }

    static StreamFrame parse(FrameType type, PayloadReader reader) {
        int streamId = reader.streamId("stream id");
        StreamFrame frame = switch (type) {
            case STREAM_OPEN -> new StreamFrame.Open(streamId,
                    reader.string("destination", WireLimits.NAME_BYTES_MAX),
                    reader.string("address", WireLimits.NAME_BYTES_MAX),
                    reader.string("origin", WireLimits.NAME_BYTES_MAX),
                    reader.byteCount("window"));
            case STREAM_WINDOW -> new StreamFrame.Window(streamId, positiveWindow(reader));
            case STREAM_END -> new StreamFrame.End(streamId, endCount(reader));
            case STREAM_MOVED -> new StreamFrame.Moved(streamId);
            case STREAM_RESET -> new StreamFrame.Reset(streamId, reader.u16("reason"),
                    reader.string("text", WireLimits.STRING_BYTES_MAX));
            case STREAM_OPENED -> new StreamFrame.Opened(streamId);
            default -> throw new IllegalArgumentException("not a stream control frame: " + type);
        };
        reader.expectEnd();
        return frame;
    }

    /** The optional byte count of STREAM_END (section 5.3): absent, or a u64 below 2^63. */
    private static long endCount(PayloadReader reader) {
        if (reader.remaining() == 0) {
            return StreamFrame.End.NO_COUNT;
        }
        long bytes = reader.u64("bytes");
        if (bytes < 0) {
            throw reader.malformed("bytes " + Long.toUnsignedString(bytes) + " beyond 2^63 - 1");
        }
        return bytes;
    }

    private static int positiveWindow(PayloadReader reader) {
        int bytes = reader.byteCount("bytes");
        if (bytes == 0) {
            throw reader.malformed("bytes 0 grants nothing");
        }
        return bytes;
    }
}
