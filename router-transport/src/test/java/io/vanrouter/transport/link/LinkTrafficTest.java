package io.vanrouter.transport.link;

import static io.vanrouter.transport.wire.WireTestSupport.drainOutbound;
import static io.vanrouter.transport.wire.WireTestSupport.encode;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.message.Hello;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.Preamble;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the transport counts for metrics on one link pipeline: bytes and frames per neighbour, links, refusals. */
class LinkTrafficTest {
    private static final HandshakeFrame PEER_B = new HandshakeFrame(0, 5, 22, "b", "demo");

    private final TransportCounters counters = new TransportCounters();
    private final TransportSettings settings = new TransportSettings("a", 11, "demo", RouterMode.INTERIOR,
            List.of(), List.of(), 1_000, 1024, 100, 5_000);
    private final LinkEnvironment env = LinkEnvironment.create(settings, new LinkRegistry("a"), new RecordingCore(),
            counters, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    private final LogCapture log = new LogCapture("vanrouter.link");
    private final EmbeddedChannel channel = new EmbeddedChannel(LinkInitializer.inbound(env, 2));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        log.close();
    }

    private long sentBytes() {
        ByteBuf bytes = drainOutbound(channel);
        try {
            return bytes.readableBytes();
        } finally {
            bytes.release();
        }
    }

    @Test
    void shouldCountBytesEachWayAndFramesAfterTheHandshakePerNeighbourAcrossTheClose() {
        ByteBuf handshake = encode(Preamble.CURRENT, PEER_B);
        long handshakeBytes = handshake.readableBytes();
        channel.writeInbound(handshake);
        long answerBytes = sentBytes();
        ByteBuf hellos = encode(new Hello("b", 22, List.of("a")), new Hello("b", 22, List.of("a")));
        long hellosBytes = hellos.readableBytes();
        channel.writeInbound(hellos);
        channel.writeOutbound(new Hello("a", 11, List.of("b")));
        long helloOutBytes = sentBytes();

        var live = counters.traffic().get("b");
        assertThat(live.bytesIn()).isEqualTo(handshakeBytes + hellosBytes);
        assertThat(live.bytesOut()).isEqualTo(answerBytes + helloOutBytes);
        assertThat(live.framesIn()).isEqualTo(2);
        assertThat(live.framesOut()).isEqualTo(1);
        assertThat(counters.linksEstablished()).containsEntry("b", 1L);

        channel.close();

        assertThat(counters.traffic().get("b")).as("kept after the link closed").isEqualTo(live);
        assertThat(counters.linksLost()).containsEntry("b", 1L);
    }

    @Test
    void shouldCountRefusalsByReasonCodeEachWay() {
        channel.writeInbound(encode(Preamble.CURRENT, new HandshakeFrame(0, 1, 99, "a", "demo")));
        EmbeddedChannel other = new EmbeddedChannel(LinkInitializer.inbound(env, 2));
        try {
            other.writeInbound(encode(Preamble.CURRENT, PEER_B,
                    ReasonFrame.refuse(ReasonCode.NETWORK_MISMATCH, "peer network 'demo' differs from 'prod'")));
        } finally {
            other.finishAndReleaseAll();
        }

        assertThat(counters.refusalsSentByReason()).containsEntry("DUPLICATE_ROUTER_ID", 1L)
                .containsEntry("NETWORK_MISMATCH", 0L);
        assertThat(counters.refusalsReceivedByReason()).containsEntry("NETWORK_MISMATCH", 1L)
                .containsEntry("DUPLICATE_ROUTER_ID", 0L);
        assertThat(counters.refusalsSent()).isEqualTo(1);
    }
}
