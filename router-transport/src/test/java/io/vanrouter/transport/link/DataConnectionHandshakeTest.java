package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listener's side of data connections (docs/protocol.md, section 5.1), on embedded channels: which data
 * connections router a admits to a link dialed by b, what it refuses and why, and that a data connection carries
 * stream frames and nothing of the control plane.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DataConnectionHandshakeTest {
    private static final long B_INSTANCE = 22;

    private final RecordingCore core = new RecordingCore();
    private final TransportSettings settings = new TransportSettings("a", 11, "demo", RouterMode.INTERIOR,
            List.of(), List.of(), 1_000, 1 << 20, 100, 5_000);
    private final LinkRegistry registry = new LinkRegistry("a");
    private final StreamRouter streams = new StreamRouter("a", () -> RoutingTable.empty("a"));
    private final LinkEnvironment env = LinkEnvironment.create(settings, registry, core, new TransportCounters(),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), streams, LinkMessageSink.DISCARD)
            .withConnections(null, 2, null);
    private final LogCapture linkLog = new LogCapture("vanrouter.link");
    private final List<PeerLink> peers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        peers.forEach(PeerLink::close);
        linkLog.close();
    }

    private PeerLink connect(HandshakeFrame handshake) {
        PeerLink peer = new PeerLink(env, handshake);
        peers.add(peer);
        return peer;
    }

    private static HandshakeFrame fromB(int role, long instance, int dataConnections) {
        return new HandshakeFrame(0, 1, instance, "b", "demo", role, dataConnections);
    }

    private PeerLink linkFromB(int dataConnections) {
        PeerLink link = connect(fromB(HandshakeFrame.ROLE_LINK, B_INSTANCE, dataConnections));
        assertThat(link.received()).singleElement().isInstanceOf(HandshakeFrame.class);
        return link;
    }

    @Test
    void shouldAgreeOnTheSmallerOfTheTwoOffersAndAnnounceItsOwn() {
        PeerLink link = connect(fromB(HandshakeFrame.ROLE_LINK, B_INSTANCE, 7));
        assertThat(link.received()).containsExactly(new HandshakeFrame(0, 1, 11, "a", "demo",
                HandshakeFrame.ROLE_LINK, 2, 1_000, 3_000)); // and this router's hello and dead intervals
        assertThat(registry.toPeer("b").data().agreed()).isEqualTo(2);
    }

    @Test
    void shouldAdmitDataConnectionsOfTheLinkUpToTheAgreedNumber() {
        linkFromB(2);
        PeerLink first = connect(fromB(HandshakeFrame.ROLE_DATA, B_INSTANCE, 2));
        PeerLink second = connect(fromB(HandshakeFrame.ROLE_DATA, B_INSTANCE, 2));
        PeerLink third = connect(fromB(HandshakeFrame.ROLE_DATA, B_INSTANCE, 2));

        HandshakeFrame answer = new HandshakeFrame(0, 1, 11, "a", "demo", HandshakeFrame.ROLE_DATA, 2, 1_000, 3_000);
        assertThat(first.received()).containsExactly(answer);
        assertThat(second.received()).containsExactly(answer);
        assertThat(third.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, refuse ->
                assertThat(refuse.reasonCode()).isEqualTo(ReasonCode.UNKNOWN_LINK.code()));
        assertThat(third.active()).isFalse();
        assertThat(registry.toPeer("b").data().count()).isEqualTo(2);
        assertThat(core.ups).hasSize(1); // a data connection is never a link of its own
    }

    @Test
    void shouldRefuseADataConnectionForALinkThatDoesNotExist() {
        PeerLink stray = connect(fromB(HandshakeFrame.ROLE_DATA, B_INSTANCE, 2));
        assertThat(stray.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, refuse ->
                assertThat(refuse.reasonCode()).isEqualTo(ReasonCode.UNKNOWN_LINK.code()));
        assertThat(stray.active()).isFalse();
        assertThat(linkLog.messages(Level.WARN)).singleElement().asString()
                .contains("refused link from embedded (peer b): unknown link: no link dialed by b instance 22");
    }

    @Test
    void shouldRefuseADataConnectionFromAnotherBootOfThePeer() {
        linkFromB(2);
        PeerLink restarted = connect(fromB(HandshakeFrame.ROLE_DATA, B_INSTANCE + 1, 2));
        assertThat(restarted.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, refuse ->
                assertThat(refuse.reasonCode()).isEqualTo(ReasonCode.UNKNOWN_LINK.code()));
        assertThat(registry.toPeer("b").data().count()).isZero();
    }

    @Test
    void shouldRefuseAnUnknownConnectionRole() {
        PeerLink odd = connect(fromB(7, B_INSTANCE, 2));
        assertThat(odd.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, refuse -> {
            assertThat(refuse.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR.code());
            assertThat(refuse.text()).isEqualTo("unknown connection role 7");
        });
    }

    @Test
    void shouldRefuseAStreamConnectionForALinkThatDoesNotExist() {
        PeerLink stray = connect(new HandshakeFrame(0, 1, B_INSTANCE, "b", "demo", HandshakeFrame.ROLE_STREAM, 2, 0, 0,
                HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 1));
        assertThat(stray.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, refuse ->
                assertThat(refuse.reasonCode()).isEqualTo(ReasonCode.UNKNOWN_LINK.code()));
        assertThat(stray.active()).isFalse();
        assertThat(linkLog.messages(Level.WARN)).singleElement().asString()
                .contains("no link dialed by b instance 22 for this stream connection to join");
    }

    /** This router offers no stream connections here (no dialer): a stream connection on its link is refused. */
    @Test
    void shouldRefuseAStreamConnectionOnALinkThatDidNotAgreeToThem() {
        PeerLink link = connect(new HandshakeFrame(0, 1, B_INSTANCE, "b", "demo", HandshakeFrame.ROLE_LINK, 2, 0, 0,
                HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 0));
        assertThat(link.received()).singleElement().isInstanceOfSatisfying(HandshakeFrame.class, answer ->
                assertThat(answer.takesStreamConnections()).isFalse());
        PeerLink stream = connect(new HandshakeFrame(0, 1, B_INSTANCE, "b", "demo", HandshakeFrame.ROLE_STREAM, 2, 0,
                0, HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 1));
        assertThat(stream.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, refuse -> {
            assertThat(refuse.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR.code());
            assertThat(refuse.text()).contains("takes no stream connections");
        });
        assertThat(link.active()).isTrue(); // the link carries on
    }

    @Test
    void shouldAnswerAStreamOnTheDataConnectionItCameOn() {
        PeerLink link = linkFromB(2);
        PeerLink data = connect(fromB(HandshakeFrame.ROLE_DATA, B_INSTANCE, 2));
        data.received();

        data.send(new StreamFrame.Open(1, "nowhere", "svc", "b", 1 << 16)); // a has no route to "nowhere"

        assertThat(data.received()).singleElement().isInstanceOfSatisfying(StreamFrame.Reset.class, reset -> {
            assertThat(reset.streamId()).isEqualTo(1);
            assertThat(reset.reasonCode()).isEqualTo(StreamResetCode.NO_ROUTE.code());
        });
        assertThat(link.received()).isEmpty();
    }

    @Test
    void shouldCloseADataConnectionThatCarriesControlFramesAndKeepTheLink() {
        PeerLink link = linkFromB(2);
        PeerLink data = connect(fromB(HandshakeFrame.ROLE_DATA, B_INSTANCE, 2));
        data.received();

        data.send(new Hello("b", B_INSTANCE, List.of("a")));

        assertThat(data.received()).singleElement().isInstanceOfSatisfying(ReasonFrame.class, close -> {
            assertThat(close.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR.code());
            assertThat(close.text()).isEqualTo("Hello on a data connection");
        });
        data.channel.close();
        data.channel.runPendingTasks();
        assertThat(link.active()).isTrue();
        assertThat(registry.toPeer("b").data().count()).isZero();
        assertThat(core.downs).isEmpty();
        assertThat(core.messages).isEmpty();
    }
}
