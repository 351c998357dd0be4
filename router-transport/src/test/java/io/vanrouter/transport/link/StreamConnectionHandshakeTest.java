package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.Preamble;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listener's side of stream connections (docs/protocol.md, section 5.3), on embedded channels: router a answers a
 * stream HANDSHAKE on a link b dialed and hands the connection to the data plane as raw bytes, and refuses one with
 * frames behind its HANDSHAKE (a dialer that gave up waiting sends its REFUSE there) instead of passing those bytes
 * on as stream bytes or dropping them at the end of the pipeline.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamConnectionHandshakeTest {
    private static final long B_INSTANCE = 22;
    private static final int STREAM_ID = 5;

    private final RecordingCore core = new RecordingCore();
    private final TransportSettings settings = new TransportSettings("a", 11, "demo", RouterMode.INTERIOR,
            List.of(), List.of(), 1_000, 1 << 20, 100, 5_000);
    private final LinkRegistry registry = new LinkRegistry("a");
    private final List<Channel> handedOver = new ArrayList<>();
    private final DefaultEventLoopGroup dataLoops = new DefaultEventLoopGroup(1);
    private final LinkEnvironment env = LinkEnvironment.create(settings, registry, core, new TransportCounters(),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new StreamConnectionsPlane(),
            LinkMessageSink.DISCARD).withConnections(null, 2, new DataConnectionDialer(dataLoops, new Bootstrap()));
    private final LogCapture linkLog = new LogCapture("vanrouter.link");
    private final List<PeerLink> peers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        peers.forEach(PeerLink::close);
        linkLog.close();
        dataLoops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    /** Takes stream connections and records the ones handed over. */
    private final class StreamConnectionsPlane extends LinkDataPlane.Discard {
        @Override
        public boolean takesStreamConnections() {
            return true;
        }

        @Override
        public void streamConnection(ActiveLink link, int streamId, Channel channel) {
            handedOver.add(channel);
        }
    }

    private static HandshakeFrame fromB(int role, int streamId) {
        return new HandshakeFrame(0, 1, B_INSTANCE, "b", "demo", role, 2, 1_000, 3_000,
                HandshakeFrame.FEATURE_STREAM_CONNECTIONS, streamId);
    }

    private PeerLink connect(Object... firstRead) {
        PeerLink peer = PeerLink.firstRead(env, firstRead);
        peers.add(peer);
        return peer;
    }

    private void linkFromB() {
        PeerLink link = connect(Preamble.CURRENT, fromB(HandshakeFrame.ROLE_LINK, 0));
        assertThat(link.received()).singleElement().isInstanceOfSatisfying(HandshakeFrame.class, answer ->
                assertThat(answer.takesStreamConnections()).isTrue());
        assertThat(registry.toPeer("b").streamConnections()).isTrue();
    }

    @Test
    void shouldAnswerAStreamConnectionAndHandItOverAsRawBytes() {
        linkFromB();
        PeerLink stream = connect(Preamble.CURRENT, fromB(HandshakeFrame.ROLE_STREAM, STREAM_ID));

        assertThat(stream.received()).singleElement().isInstanceOfSatisfying(HandshakeFrame.class, answer -> {
            assertThat(answer.isStream()).isTrue();
            assertThat(answer.streamId()).isEqualTo(STREAM_ID);
        });
        assertThat(handedOver).containsExactly(stream.channel);
        assertThat(stream.channel.pipeline().get(HandlerNames.FRAME_DECODER)).isNull();
        assertThat(stream.active()).isTrue();
        assertThat(linkLog.messages(Level.WARN)).isEmpty();
    }

    /**
     * This router was stalled (frozen, or its loop busy) past the dialer's handshake timeout: the dialer's REFUSE sits
     * behind its stream HANDSHAKE when the two are read at last. The connection is refused, both refusals are logged,
     * and nothing reaches the end of the pipeline (which logs an ERROR for it).
     */
    @Test
    void shouldRefuseAStreamConnectionWithFramesBehindItsHandshake() {
        linkFromB();
        PeerLink stale = connect(Preamble.CURRENT, fromB(HandshakeFrame.ROLE_STREAM, STREAM_ID),
                ReasonFrame.refuse(ReasonCode.HANDSHAKE_TIMEOUT, "no handshake within 2000 ms"));

        assertThat(stale.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, refuse -> {
            assertThat(refuse.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR.code());
            assertThat(refuse.text()).endsWith("bytes came behind the stream HANDSHAKE before the answer");
        });
        assertThat(stale.active()).isFalse();
        assertThat(handedOver).isEmpty();
        assertThat(linkLog.messages(Level.ERROR)).isEmpty();
        assertThat(linkLog.messages(Level.WARN)).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("bytes came behind the stream HANDSHAKE"))
                .anySatisfy(line -> assertThat(line).contains("refused by b").contains("no handshake within 2000"));
        assertThat(registry.toPeer("b").streamConnections()).isTrue(); // the link carries on
    }
}
