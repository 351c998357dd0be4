package io.vanrouter.transport.wire;

import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;

/**
 * The frame type of an object {@link FrameDecoder} produced, for log lines and refusal texts ("MESSAGE frame before
 * handshake"). Pure; any thread.
 */
public final class FrameNames {

    private FrameNames() {
    }

    /** The {@link FrameType} {@code decoded} was read from, or null for an object the decoder never produces. */
    public static FrameType typeOf(Object decoded) {
        if (decoded instanceof HandshakeFrame) {
            return FrameType.HANDSHAKE;
        } else if (decoded instanceof ReasonFrame reason) {
            return reason.type();
        } else if (decoded instanceof Hello) {
            return FrameType.HELLO;
        } else if (decoded instanceof LinkStateUpdate) {
            return FrameType.LINK_STATE;
        } else if (decoded instanceof AddressUpdate) {
            return FrameType.ADDRESS_UPDATE;
        } else if (decoded instanceof AddressSnapshot) {
            return FrameType.ADDRESS_SNAPSHOT;
        } else if (decoded instanceof AddressSyncRequest) {
            return FrameType.ADDRESS_SYNC_REQUEST;
        } else if (decoded instanceof MessageFrame) {
            return FrameType.MESSAGE;
        } else if (decoded instanceof MessageAck) {
            return FrameType.MESSAGE_ACK;
        } else if (decoded instanceof StreamFrame stream) {
            return streamType(stream);
        }
        return null;
    }

    /** The frame type's name, or the class name for an object that is not a decoded frame. */
    public static String nameOf(Object decoded) {
        FrameType type = typeOf(decoded);
        return type != null ? type.name() : decoded.getClass().getSimpleName();
    }

    private static FrameType streamType(StreamFrame frame) {
        if (frame instanceof StreamFrame.Open) {
            return FrameType.STREAM_OPEN;
        } else if (frame instanceof StreamFrame.Data) {
            return FrameType.STREAM_DATA;
        } else if (frame instanceof StreamFrame.Window) {
            return FrameType.STREAM_WINDOW;
        } else if (frame instanceof StreamFrame.End) {
            return FrameType.STREAM_END;
        } else if (frame instanceof StreamFrame.Moved) {
            return FrameType.STREAM_MOVED;
        } else if (frame instanceof StreamFrame.Opened) {
            return FrameType.STREAM_OPENED;
        } else if (frame instanceof StreamFrame.Reset) {
            return FrameType.STREAM_RESET;
        }
        return null;
    }
}
