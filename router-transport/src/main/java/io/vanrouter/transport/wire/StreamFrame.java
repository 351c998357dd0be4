package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * A data-plane frame of one stream on one link (codes {@code 0x20}–{@code 0x25}, docs/protocol.md). Stream ids are
 * u32 values held in an {@code int}; 0 is never used. Only {@link Data} holds a buffer.
 *
 * <p>Immutable apart from {@link Data}'s reference count; any thread.
 */
public sealed interface StreamFrame {

    int streamId();

    /** STREAM_OPEN: carry a new stream toward {@code destination}; both ends of this hop start with {@code window}. */
    record Open(int streamId, String destination, String address, String origin, int window) implements StreamFrame {
        public Open {
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(origin, "origin");
            if (window < 0) {
                throw new IllegalArgumentException("window " + window);
            }
        }
    }

    /** STREAM_WINDOW: the receiver grants {@code bytes} more credit to the sender of data on this hop. */
    record Window(int streamId, int bytes) implements StreamFrame {
    }

    /**
     * STREAM_END: the sender will send no more data on this stream (TCP FIN). After STREAM_MOVED it confirms the FIN
     * on the stream connection and carries {@code bytes}, every byte of the sender's direction on this hop, framed and
     * raw (docs/protocol.md, section 5.3); {@link #NO_COUNT} otherwise.
     */
    record End(int streamId, long bytes) implements StreamFrame {
        /** An END without a byte count: a framed direction's end. */
        public static final long NO_COUNT = -1;

        public End {
            if (bytes < NO_COUNT) {
                throw new IllegalArgumentException("bytes " + bytes);
            }
        }

        public End(int streamId) {
            this(streamId, NO_COUNT);
        }

        public boolean counted() {
            return bytes != NO_COUNT;
        }
    }

    /** STREAM_OPENED: the connector side is connected to the real server. */
    record Opened(int streamId) implements StreamFrame {
    }

    /**
     * STREAM_MOVED: the sender sends no more DATA, END or WINDOW for this stream on this connection; its direction goes
     * on as raw bytes (and FIN) on the hop's stream connection (docs/protocol.md, section 5.3).
     */
    record Moved(int streamId) implements StreamFrame {
    }

    /** STREAM_RESET: abort both directions, with a {@link StreamResetCode} code and a human text. */
    record Reset(int streamId, int reasonCode, String text) implements StreamFrame {
        public Reset {
            Objects.requireNonNull(text, "text");
        }

        public static Reset of(int streamId, StreamResetCode reason, String text) {
            return new Reset(streamId, reason.code(), text);
        }

        public String describe() {
            return StreamResetCode.nameOf(reasonCode) + ": " + text;
        }
    }

    /**
     * STREAM_DATA: owns one reference to {@code content}. Whoever touches it last releases it (the encoder, after
     * writing, or the receiver that drops it).
     */
    final class Data extends DefaultByteBufHolder implements StreamFrame {
        private final int streamId;

        public Data(int streamId, ByteBuf payload) {
            super(payload);
            this.streamId = streamId;
        }

        @Override
        public int streamId() {
            return streamId;
        }

        @Override
        public Data replace(ByteBuf content) {
            return new Data(streamId, content);
        }

        @Override
        public String toString() {
            return "Data[streamId=" + streamId + ", bytes=" + content().readableBytes() + "]";
        }
    }
}
