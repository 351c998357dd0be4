package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.stream.StreamLimits;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.wire.FrameType;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.StreamResetCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Link-level faults of a peer b on an active link of router a: each closes b's link with CLOSE and the documented
 * reason (docs/protocol.md §3 and §5), logged by a; b's streams are reset toward c with LINK_DOWN; the link to c
 * carries on. Buffers are checked by the leak detector (NettyLeakCheck).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileLinkPeerTest {
    private final RecordingCore core = new RecordingCore();
    private final TransportSettings settings = new TransportSettings("a", 11, "demo", RouterMode.INTERIOR,
            List.of(), List.of(), 1_000, 1 << 20, 100, 5_000);
    private volatile RoutingTable routes = RoutingTable.empty("a");
    private final StreamRouter streams = new StreamRouter("a", () -> routes);
    private final LinkEnvironment env = LinkEnvironment.create(settings, new LinkRegistry("a"), core,
            new TransportCounters(), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), streams,
            LinkMessageSink.DISCARD);
    private final LogCapture linkLog = new LogCapture("vanrouter.link");
    private PeerLink b;
    private PeerLink c;

    @BeforeEach
    void linkUp() {
        c = new PeerLink(env, "c", 33, () -> core.lastUp().linkId());
        routes = new RoutingTable("a", 1, Map.of("c", new Route("c", "c", c.linkId, 1, 1)), Set.of());
        b = new PeerLink(env, "b", 22, () -> core.lastUp().linkId());
    }

    @AfterEach
    void tearDown() {
        b.close();
        c.close();
        linkLog.close();
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                fault("second HANDSHAKE", () -> frame(FrameType.HANDSHAKE, p -> {
                    p.writeByte(0).writeInt(1).writeLong(22);
                    string(p, "b");
                    string(p, "demo");
                }), ReasonCode.PROTOCOL_ERROR, "HANDSHAKE after the handshake completed"),
                fault("MESSAGE with QoS 2", () -> message(0x02, "t"), ReasonCode.MALFORMED_FRAME,
                        "malformed MESSAGE frame: flags 0x2 (QoS 2)"),
                fault("MESSAGE with unknown flag", () -> message(0x40, "t"), ReasonCode.MALFORMED_FRAME,
                        "malformed MESSAGE frame: flags 0x40 (QoS 0)"),
                fault("MESSAGE with empty topic", () -> message(0, ""), ReasonCode.MALFORMED_FRAME,
                        "malformed MESSAGE frame: empty ingress or topic"),
                fault("truncated MESSAGE", () -> frame(FrameType.MESSAGE, p -> p.writeByte(0)),
                        ReasonCode.MALFORMED_FRAME,
                        "malformed MESSAGE frame: truncated reading hops left (need 1 bytes, 0 left)"),
                fault("MESSAGE_ACK with unknown outcome", () -> frame(FrameType.MESSAGE_ACK, p -> {
                    string(p, "c");
                    p.writeLong(1).writeByte(9);
                }), ReasonCode.MALFORMED_FRAME, "malformed MESSAGE_ACK frame: unknown outcome 9"),
                fault("ADDRESS_SNAPSHOT with sequence above 2^63 - 1", () -> frame(FrameType.ADDRESS_SNAPSHOT, p -> {
                    string(p, "b");
                    p.writeLong(22).writeLong(-1).writeInt(0);
                }), ReasonCode.MALFORMED_FRAME,
                        "malformed ADDRESS_SNAPSHOT frame: sequence 18446744073709551615 out of range 0.."
                                + Long.MAX_VALUE),
                fault("ADDRESS_UPDATE with sequence 0", () -> frame(FrameType.ADDRESS_UPDATE, p -> {
                    string(p, "b");
                    p.writeLong(22).writeLong(0).writeInt(0).writeInt(0);
                }), ReasonCode.MALFORMED_FRAME, "malformed ADDRESS_UPDATE frame: sequence must be at least 1"),
                fault("ADDRESS_UPDATE with unknown address kind", () -> frame(FrameType.ADDRESS_UPDATE, p -> {
                    string(p, "b");
                    p.writeLong(22).writeLong(1).writeInt(1).writeByte(9);
                    string(p, "x");
                    string(p, "");
                    p.writeInt(1).writeInt(0);
                }), ReasonCode.MALFORMED_FRAME, "malformed ADDRESS_UPDATE frame: adds[0] has unknown kind 9"),
                fault("ADDRESS_UPDATE with an invalid topic filter", () -> frame(FrameType.ADDRESS_UPDATE, p -> {
                    string(p, "b");
                    p.writeLong(22).writeLong(1).writeInt(1).writeByte(2);
                    string(p, "a/#/b");
                    string(p, "");
                    p.writeInt(1).writeInt(0);
                }), ReasonCode.MALFORMED_FRAME, null),
                fault("ADDRESS_SNAPSHOT whose count passes its end", () -> frame(FrameType.ADDRESS_SNAPSHOT, p -> {
                    string(p, "b");
                    p.writeLong(22).writeLong(1).writeInt(1_000_000);
                }), ReasonCode.MALFORMED_FRAME,
                        "malformed ADDRESS_SNAPSHOT frame: entries count 1000000 needs at least 9000000 bytes but "
                                + "0 are left"),
                fault("ADDRESS_SYNC_REQUEST with trailing bytes", () -> frame(FrameType.ADDRESS_SYNC_REQUEST, p -> {
                    string(p, "c");
                    p.writeByte(0);
                }), ReasonCode.MALFORMED_FRAME, "malformed ADDRESS_SYNC_REQUEST frame: 1 unexpected trailing bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    @SuppressWarnings("unused")
    void shouldCloseLinkOfPeerThatSends(String name, Supplier<ByteBuf> bytes, ReasonCode reason, String text) {
        StreamFrame.Open open = new StreamFrame.Open(1, "c", "db", "b", StreamLimits.INITIAL_WINDOW_BYTES);
        b.send(open);
        assertThat(c.received()).singleElement().isInstanceOf(StreamFrame.Open.class);

        b.sendRaw(bytes.get());

        List<Object> toB = b.received();
        assertThat(toB).singleElement().isInstanceOfSatisfying(ReasonFrame.class, close -> {
            assertThat(close.type()).isEqualTo(FrameType.CLOSE);
            assertThat(close.reasonCode()).isEqualTo(reason.code());
            if (text != null) {
                assertThat(close.text()).isEqualTo(text);
            }
        });
        String sent = ((ReasonFrame) toB.get(0)).text();
        assertThat(b.active()).isFalse();
        assertThat(linkLog.messages(Level.WARN)).containsExactly("[a L" + b.linkId + " peer=b] closing link from "
                + "embedded: " + reason.words() + ": " + sent);
        assertThat(linkLog.messages(Level.ERROR)).isEmpty();
        assertThat(core.downs).singleElement().satisfies(d -> assertThat(d.linkId()).isEqualTo(b.linkId));
        assertThat(c.received()).singleElement().isInstanceOfSatisfying(StreamFrame.Reset.class,
                r -> assertThat(r.reasonCode()).isEqualTo(StreamResetCode.LINK_DOWN.code()));
        assertThat(c.active()).isTrue();
        assertThat(streams.liveStreams()).isZero();
    }

    @Test
    void shouldLogPeersCloseForProtocolFaultAsWarning() {
        b.send(ReasonFrame.close(ReasonCode.MALFORMED_FRAME, "malformed HELLO frame: 1 unexpected trailing bytes"));
        assertThat(b.active()).isFalse();
        assertThat(linkLog.messages(Level.WARN)).containsExactly("[a L" + b.linkId + " peer=b] link from embedded "
                + "closed by b: MALFORMED_FRAME: malformed HELLO frame: 1 unexpected trailing bytes");
    }

    private static Arguments fault(String name, Supplier<ByteBuf> bytes, ReasonCode reason, String text) {
        return Arguments.of(name, bytes, reason, text);
    }

    private static ByteBuf frame(FrameType type, java.util.function.Consumer<ByteBuf> payload) {
        ByteBuf out = Unpooled.buffer().writeInt(0).writeByte(type.code());
        payload.accept(out);
        return out.setInt(0, out.readableBytes() - 4);
    }

    private static ByteBuf message(int flags, String topic) {
        return frame(FrameType.MESSAGE, p -> {
            p.writeByte(flags).writeByte(32);
            string(p, "b");
            p.writeLong(1);
            string(p, topic);
            string(p, "");
            string(p, "");
            p.writeBytes(new byte[] {1, 2, 3});
        });
    }

    private static void string(ByteBuf out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length).writeBytes(bytes);
    }
}
