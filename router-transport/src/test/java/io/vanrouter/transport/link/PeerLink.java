package io.vanrouter.transport.link;

import static io.vanrouter.transport.wire.WireTestSupport.drainOutbound;
import static io.vanrouter.transport.wire.WireTestSupport.preamble;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vanrouter.transport.wire.FrameDecoder;
import io.vanrouter.transport.wire.FrameEncoder;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.Preamble;
import io.vanrouter.transport.wire.StreamFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * One accepted inter-router connection of the router under test on an EmbeddedChannel, with the test playing the
 * peer: it writes frames (or raw bytes) into the real link pipeline and reads back what the router sent.
 */
final class PeerLink {
    private static final int LIMIT = 1 << 20;

    final EmbeddedChannel channel;
    final long linkId;
    /** Decodes what the router sends; fed the router's preamble first. */
    private final EmbeddedChannel reader = new EmbeddedChannel(new FrameDecoder(LIMIT));

    /** Connects, completes the handshake as {@code peerId} and discards the router's preamble and HANDSHAKE. */
    PeerLink(LinkEnvironment env, String peerId, long peerInstance, java.util.function.LongSupplier lastLinkUp) {
        channel = new EmbeddedChannel(LinkInitializer.inbound(env, 1));
        send(Preamble.CURRENT, new HandshakeFrame(0, 1, peerInstance, peerId, env.settings().network()));
        linkId = lastLinkUp.getAsLong();
        List<Object> greeting = received();
        if (greeting.size() != 1 || !(greeting.get(0) instanceof HandshakeFrame)) {
            throw new IllegalStateException("expected the router's HANDSHAKE, got " + greeting);
        }
    }

    /**
     * Connects and sends {@code handshake} as the peer's first frame, keeping whatever the router answers for
     * {@link #received()} (a HANDSHAKE, or a REFUSE).
     */
    PeerLink(LinkEnvironment env, HandshakeFrame handshake) {
        this(env, new Object[] {Preamble.CURRENT, handshake});
    }

    private PeerLink(LinkEnvironment env, Object[] firstRead) {
        channel = new EmbeddedChannel(LinkInitializer.inbound(env, 1));
        linkId = -1;
        send(firstRead);
    }

    /**
     * Connects and writes {@code frames} (the preamble first, as a peer would) into the pipeline in one read, keeping
     * whatever the router answers for {@link #received()}.
     */
    static PeerLink firstRead(LinkEnvironment env, Object... frames) {
        return new PeerLink(env, frames);
    }

    /** Encodes {@code frames} as a peer would and writes them into the pipeline in one read. */
    void send(Object... frames) {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(LIMIT));
        for (Object frame : frames) {
            encoder.writeOutbound(frame);
        }
        ByteBuf bytes = drainOutbound(encoder);
        encoder.finishAndReleaseAll();
        sendRaw(bytes);
    }

    /** Writes raw bytes (released by the pipeline) and runs the tasks they cause (link closes are queued). */
    void sendRaw(ByteBuf bytes) {
        channel.writeInbound(bytes);
        channel.runPendingTasks();
    }

    /**
     * Frames the router sent since the last call. DATA frames are released and shown as {@code "DATA id bytes"};
     * other frames are returned as decoded.
     */
    List<Object> received() {
        channel.runPendingTasks();
        ByteBuf bytes = drainOutbound(channel);
        if (bytes.isReadable() && bytes.getByte(0) != 'V' && !preambleSeen) {
            bytes = preamble().writeBytes(bytes);
        }
        preambleSeen = true;
        reader.writeInbound(bytes);
        List<Object> out = new ArrayList<>();
        for (Object m = reader.readInbound(); m != null; m = reader.readInbound()) {
            if (m instanceof StreamFrame.Data data) {
                out.add("DATA " + Integer.toUnsignedString(data.streamId()) + " " + data.content().readableBytes());
                data.release();
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private boolean preambleSeen;

    /** Sum of the STREAM_WINDOW grants for {@code streamId} in {@code frames}. */
    static long granted(List<Object> frames, int streamId) {
        return frames.stream().filter(f -> f instanceof StreamFrame.Window w && w.streamId() == streamId)
                .mapToLong(f -> ((StreamFrame.Window) f).bytes()).sum();
    }

    static StreamFrame.Data data(int streamId, int bytes) {
        return new StreamFrame.Data(streamId, Unpooled.buffer(bytes).writeZero(bytes));
    }

    boolean active() {
        return channel.isActive();
    }

    void close() {
        channel.finishAndReleaseAll();
        reader.finishAndReleaseAll();
    }
}
