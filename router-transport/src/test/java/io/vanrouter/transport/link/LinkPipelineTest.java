package io.vanrouter.transport.link;

import static io.vanrouter.transport.wire.WireTestSupport.decode;
import static io.vanrouter.transport.wire.WireTestSupport.drainOutbound;
import static io.vanrouter.transport.wire.WireTestSupport.encode;
import static io.vanrouter.transport.wire.WireTestSupport.preamble;
import static io.vanrouter.transport.wire.WireTestSupport.rawFrame;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.core.message.Hello;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RecordingCore.LinkDown;
import io.vanrouter.transport.RecordingCore.LinkUp;
import io.vanrouter.transport.RecordingCore.Message;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.wire.FrameType;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.Preamble;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.WireException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole link pipeline of one connection on an EmbeddedChannel; the test plays the peer. */
class LinkPipelineTest {
    private static final HandshakeFrame OWN = new HandshakeFrame(0, 2, 11, "a", "demo", HandshakeFrame.ROLE_LINK, 0,
            1_000, 3_000);
    private static final HandshakeFrame PEER_B = new HandshakeFrame(0, 5, 22, "b", "demo");

    private final RecordingCore core = new RecordingCore();
    private final TransportSettings settings = new TransportSettings("a", 11, "demo", RouterMode.INTERIOR,
            List.of(), List.of(), 1_000, 1024, 100, 5_000);
    private final LinkEnvironment env = LinkEnvironment.create(settings, new LinkRegistry("a"), core,
            new TransportCounters(), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    private final LogCapture log = new LogCapture("vanrouter.link");
    private final EmbeddedChannel channel = new EmbeddedChannel(LinkInitializer.inbound(env, 2));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        log.close();
    }

    @Test
    void shouldAnswerWithItsHandshakeOnlyAfterAdmittingTheDialer() {
        assertThat(sent()).as("a listener sends only its preamble at first").isEmpty();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        assertThat(sent()).containsExactly(OWN);
    }

    @Test
    void shouldSendPreambleAndHandshakeAtOnceWhenDialing() {
        EmbeddedChannel dialer = new EmbeddedChannel(new LinkInitializer(env, true, 2, null));
        try {
            ByteBuf bytes = drainOutbound(dialer);
            assertThat(decode(bytes)).containsExactly(OWN);
        } finally {
            dialer.finishAndReleaseAll();
        }
    }

    @Test
    void shouldNeverReportALinkUpWhenTheListenerRefusesTheDialer() {
        EmbeddedChannel dialer = new EmbeddedChannel(new LinkInitializer(env, true, 2, null));
        try {
            drainOutbound(dialer).release();
            dialer.writeInbound(encode(Preamble.CURRENT,
                    ReasonFrame.refuse(ReasonCode.DUPLICATE_ROUTER_ID, "router id a already linked with instance 2")));
            assertThat(dialer.isActive()).isFalse();
            assertThat(core.ups).as("no link up, so no link down either").isEmpty();
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .endsWith("refused by peer: DUPLICATE_ROUTER_ID: router id a already linked with instance 2");
        } finally {
            dialer.finishAndReleaseAll();
        }
    }

    @Test
    void shouldBringLinkUpWithAgreedCostAndPassMessagesToCore() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        long linkId = core.lastUp().linkId();
        assertThat(core.ups).containsExactly(new LinkUp(linkId, "b", 22, 5));
        assertThat(channel.pipeline().get(HandlerNames.LINK)).isInstanceOf(InterRouterLinkHandler.class);
        assertThat(env.registry().get(linkId)).isNotNull();

        Hello hello = new Hello("b", 22, List.of("a"));
        channel.writeInbound(encode(hello));
        assertThat(core.messages).containsExactly(new Message(linkId, hello));
    }

    @Test
    void shouldReportActivityAtMostOncePerQuarterHelloInterval() {
        channel.freezeTime(); // only advanceTimeBy moves the clock; a slow CI thread must not add real time
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        long linkId = core.lastUp().linkId();
        channel.advanceTimeBy(249, TimeUnit.MILLISECONDS);
        channel.writeInbound(rawFrame(0xF0, (byte) 1, (byte) 2)); // even a skipped optional frame proves the peer alive
        assertThat(core.activity).as("within 250 ms of link up").isEmpty();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        for (int i = 0; i < 100; i++) {
            channel.writeInbound(rawFrame(0xF0, (byte) i));
        }
        assertThat(core.activity).as("one report for 100 reads").containsExactly(linkId);

        channel.advanceTimeBy(250, TimeUnit.MILLISECONDS);
        channel.writeInbound(rawFrame(0xF0));
        assertThat(core.activity).containsExactly(linkId, linkId);
        assertThat(core.messages).isEmpty();
    }

    @Test
    void shouldNotReportActivityForAReadThatBroughtAHello() {
        channel.freezeTime();
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        long linkId = core.lastUp().linkId();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);

        // The core restarts the dead timer for the hello itself: an idle link costs it one command per hello.
        channel.writeInbound(encode(new Hello("b", 22, List.of("a"))));
        assertThat(core.messages).extracting(RecordingCore.Message::message)
                .containsExactly(new Hello("b", 22, List.of("a")));
        assertThat(core.activity).isEmpty();

        channel.advanceTimeBy(249, TimeUnit.MILLISECONDS);
        channel.writeInbound(rawFrame(0xF0));
        assertThat(core.activity).as("the hello counted as the report").isEmpty();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.writeInbound(rawFrame(0xF0));
        assertThat(core.activity).as("other bytes still count").containsExactly(linkId);
    }

    @Test
    void shouldNotTakeAReadThatOnlyFoundTheConnectionEndedForActivity() {
        channel.freezeTime();
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        long linkId = core.lastUp().linkId();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);

        // A read that meets EOF or a reset completes without a byte (Netty fires read-complete, then closes): that
        // proves nothing about the peer, and taking it for activity restarted the dead timer of a silent neighbour.
        channel.pipeline().fireChannelReadComplete();
        assertThat(core.activity).isEmpty();

        channel.writeInbound(rawFrame(0xF0));
        assertThat(core.activity).as("bytes still count").containsExactly(linkId);
    }

    @Test
    void shouldReportLinkDownOnceWithPeersCloseReason() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B, ReasonFrame.close(ReasonCode.SHUTDOWN, "bye")));
        assertThat(channel.isActive()).isFalse();
        channel.close();
        long linkId = core.lastUp().linkId();
        assertThat(core.downs).containsExactly(new LinkDown(linkId, "closed by b: SHUTDOWN: bye"));
        assertThat(env.registry().get(linkId)).isNull();
    }

    @Test
    void shouldSendCloseWhenCoreClosesLink() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        long linkId = core.lastUp().linkId();
        new NettyControlSender(env.registry(), env.counters()).closeLink(linkId, "no hello for 3000 ms");
        channel.runPendingTasks();
        assertThat(sent()).containsExactly(OWN, ReasonFrame.close(ReasonCode.DEAD_INTERVAL, "no hello for 3000 ms"));
        assertThat(channel.isActive()).isFalse();
        assertThat(core.downs).containsExactly(new LinkDown(linkId, "DEAD_INTERVAL: no hello for 3000 ms"));
    }

    @Test
    void shouldRefuseGarbagePreambleAndLogIt() {
        sent();
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        assertThat(sent()).containsExactly(ReasonFrame.refuse(ReasonCode.MALFORMED_FRAME, "bad preamble"));
        assertThat(channel.isActive()).isFalse();
        assertThat(log.messages(Level.WARN)).containsExactly("[a] garbage on inter-router port from embedded: bad preamble");
        assertThat(env.counters().garbageConnections()).isEqualTo(1);
        assertThat(core.ups).isEmpty();
    }

    @Test
    void shouldRefuseOversizedFrameWithoutBufferingIt() {
        sent();
        ByteBuf input = preamble().writeInt(10_000).writeByte(FrameType.HELLO.code()).writeZero(900);
        channel.writeInbound(input);
        assertThat(input.refCnt()).as("nothing buffered").isZero();
        assertThat(sent()).containsExactly(
                ReasonFrame.refuse(ReasonCode.FRAME_TOO_LARGE, "frame of 10000 bytes exceeds limit 1024"));
        assertThat(channel.isActive()).isFalse();
        assertThat(log.messages(Level.WARN)).containsExactly(
                "[a] refused link from embedded (peer ?): frame too large: frame of 10000 bytes exceeds limit 1024");
    }

    @Test
    void shouldCloseActiveLinkOnMalformedFrame() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        channel.writeInbound(rawFrame(FrameType.HELLO.code(), (byte) 0));
        assertThat(sent()).containsExactly(OWN, ReasonFrame.close(ReasonCode.MALFORMED_FRAME,
                "malformed HELLO frame: truncated reading routerId length (need 2 bytes, 1 left)"));
        assertThat(channel.isActive()).isFalse();
        assertThat(core.downs).hasSize(1);
    }

    @Test
    void shouldRefuseHelloBeforeHandshake() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, new Hello("b", 1, List.of())));
        assertThat(sent()).containsExactly(ReasonFrame.refuse(ReasonCode.PROTOCOL_ERROR, "HELLO frame before handshake"));
        assertThat(core.ups).isEmpty();
    }

    /** Every data-plane frame, as a peer that skips the handshake would send it. */
    static Stream<Arguments> dataPlaneFrames() {
        return Stream.of(
                Arguments.of("MESSAGE", new MessageFrame(1, false, MessageFrame.HOPS_INITIAL, "b", 7, "t/1", "", "",
                        Unpooled.copiedBuffer("payload", StandardCharsets.UTF_8))),
                Arguments.of("MESSAGE_ACK", new MessageAck("b", 7, true)),
                Arguments.of("STREAM_OPEN", new StreamFrame.Open(1, "a", "svc", "b", 65_536)),
                Arguments.of("STREAM_DATA", new StreamFrame.Data(1,
                        Unpooled.copiedBuffer("bytes", StandardCharsets.UTF_8))),
                Arguments.of("STREAM_WINDOW", new StreamFrame.Window(1, 1024)),
                Arguments.of("STREAM_END", new StreamFrame.End(1)),
                Arguments.of("STREAM_RESET", new StreamFrame.Reset(1, 1, "gone")),
                Arguments.of("STREAM_OPENED", new StreamFrame.Opened(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dataPlaneFrames")
    void shouldRefuseDataPlaneFrameBeforeHandshakeWithProtocolError(String type, Object frame) {
        sent();
        ByteBuf input = encode(Preamble.CURRENT, frame);
        channel.writeInbound(input);

        assertThat(input.refCnt()).as("no payload kept").isZero();
        assertThat(sent()).containsExactly(
                ReasonFrame.refuse(ReasonCode.PROTOCOL_ERROR, type + " frame before handshake"));
        assertThat(channel.isActive()).isFalse();
        assertThat(log.messages(Level.WARN)).containsExactly(
                "[a] refused link from embedded (peer ?): protocol error: " + type + " frame before handshake");
        assertThat(log.messages(Level.ERROR)).isEmpty();
        assertThat(core.ups).isEmpty();
    }

    @Test
    void shouldTellGarbageFromMalformedFrameByKindNotText() {
        sent();
        // A frame fault whose text happens to read like the preamble's is still a refusal, not garbage.
        channel.pipeline().fireExceptionCaught(new WireException(ReasonCode.MALFORMED_FRAME, "bad preamble"));
        assertThat(sent()).containsExactly(ReasonFrame.refuse(ReasonCode.MALFORMED_FRAME, "bad preamble"));
        assertThat(env.counters().garbageConnections()).isZero();
        assertThat(log.messages(Level.WARN)).containsExactly(
                "[a] refused link from embedded (peer ?): malformed frame: bad preamble");
    }

    /**
     * A link whose connection closed while no handler heard it (Netty fires no channelInactive for a channel closed
     * while it moves between event loops) must not make the peer's every redial a refused duplicate: the new link
     * replaces it and its link-down is reported then.
     */
    @Test
    void shouldAdmitAPeerWhoseEarlierLinkClosedWithoutItsLinkDown() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        assertThat(sent()).containsExactly(OWN);
        channel.pipeline().remove(HandlerNames.LINK); // nobody hears the close
        channel.close();
        assertThat(core.downs).isEmpty();

        EmbeddedChannel redial = new EmbeddedChannel(LinkInitializer.inbound(env, 2));
        try {
            redial.writeInbound(encode(Preamble.CURRENT, PEER_B));
            ByteBuf answer = drainOutbound(redial);
            assertThat(decode(answer)).containsExactly(OWN);
            assertThat(log.messages(Level.INFO)).anyMatch(line -> line.contains("whose connection is already closed"));
        } finally {
            redial.finishAndReleaseAll();
        }
    }

    @Test
    void shouldRefuseOwnRouterId() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, new HandshakeFrame(0, 1, 99, "a", "demo")));
        assertThat(sent()).containsExactly(
                ReasonFrame.refuse(ReasonCode.DUPLICATE_ROUTER_ID, "peer uses this router's id"));
        assertThat(log.messages(Level.WARN)).containsExactly(
                "[a] refused link from embedded (peer a): duplicate router id: peer uses this router's id");
    }

    @Test
    void shouldTakeAnEdgeRouterOnAListenerAndTellTheCoreItIsAnEdge() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, new HandshakeFrame(1, 1, 99, "e", "demo")));
        assertThat(sent()).containsExactly(OWN);
        assertThat(core.lastUp().peerId()).isEqualTo("e");
        assertThat(core.lastUp().peerIsEdge()).isTrue();
    }

    @Test
    void shouldTellTheCoreTheIntervalsAnEdgeAnnouncedAndAnnounceItsOwn() {
        sent();
        core.liveness = new Liveness(2_000, 7_000);
        channel.writeInbound(encode(Preamble.CURRENT, new HandshakeFrame(1, 1, 99, "e", "demo",
                HandshakeFrame.ROLE_LINK, 0, 5_000, 15_000)));
        assertThat(sent()).containsExactly(new HandshakeFrame(0, 2, 11, "a", "demo", HandshakeFrame.ROLE_LINK, 0,
                2_000, 7_000));
        assertThat(core.peerLiveness).containsExactly(new Liveness(5_000, 15_000));
    }

    @Test
    void shouldRefuseAnUnknownMode() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, new HandshakeFrame(7, 1, 99, "x", "demo")));
        assertThat(sent()).containsExactly(ReasonFrame.refuse(ReasonCode.MODE_NOT_SUPPORTED,
                "peer mode code 7 is not supported"));
    }

    @Test
    void shouldLinkEdgesOnlyFromEdgeToInterior() {
        RouterMode interior = RouterMode.INTERIOR;
        RouterMode edge = RouterMode.EDGE;
        assertThat(LinkHandshakeHandler.modeRefusal(interior, interior.code(), true)).isNull();
        assertThat(LinkHandshakeHandler.modeRefusal(interior, interior.code(), false)).isNull();
        assertThat(LinkHandshakeHandler.modeRefusal(edge, interior.code(), true)).isNull();
        assertThat(LinkHandshakeHandler.modeRefusal(interior, edge.code(), false)).isNull();
        assertThat(LinkHandshakeHandler.modeRefusal(interior, edge.code(), true))
                .contains("interiors never dial them");
        assertThat(LinkHandshakeHandler.modeRefusal(edge, interior.code(), false)).contains("takes no links");
        assertThat(LinkHandshakeHandler.modeRefusal(edge, edge.code(), true)).contains("do not link to each other");
    }

    @Test
    void shouldLogRefusalReceivedFromPeer() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B,
                ReasonFrame.refuse(ReasonCode.NETWORK_MISMATCH, "peer network 'demo' differs from 'prod'")));
        assertThat(channel.isActive()).isFalse();
        assertThat(log.messages(Level.WARN)).contains("[a L" + core.lastUp().linkId()
                + " peer=b] link from embedded refused by b: NETWORK_MISMATCH: peer network 'demo' differs from 'prod'");
    }

    @Test
    void shouldRefuseWhenHandshakeTimesOut() {
        sent();
        channel.advanceTimeBy(1_000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(sent()).containsExactly(
                ReasonFrame.refuse(ReasonCode.HANDSHAKE_TIMEOUT, "no handshake within 1000 ms"));
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void shouldCloseSlowLink() {
        sent();
        channel.writeInbound(encode(Preamble.CURRENT, PEER_B));
        LinkSession session = LinkSession.of(channel);
        channel.pipeline().replace(HandlerNames.LINK, HandlerNames.LINK, new InterRouterLinkHandler(session, 100));
        for (int i = 0; i < 20 && channel.isActive(); i++) {
            channel.write(new Hello("a", 11, List.of("b")));
        }
        assertThat(channel.isActive()).isFalse();
        assertThat(env.counters().slowLinkCloses()).isEqualTo(1);
        assertThat(core.downs).singleElement().satisfies(d -> assertThat(d.reason()).startsWith("SLOW_LINK: slow link"));
    }

    /** Frames written by this end since the last call, without the preamble. */
    private List<Object> sent() {
        ByteBuf bytes = drainOutbound(channel);
        if (!bytes.isReadable()) {
            bytes.release();
            return List.of();
        }
        if (bytes.getByte(0) != 'V') {
            bytes = preamble().writeBytes(bytes);
        }
        return decode(bytes);
    }
}
