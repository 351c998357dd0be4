package io.vanrouter.transport.link;

import static io.vanrouter.transport.link.PeerLink.data;
import static io.vanrouter.transport.link.PeerLink.granted;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
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
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A misbehaving peer b on the data plane of router a, which carries b's streams in transit to c (both links are the
 * real pipeline on EmbeddedChannels, with a real {@link StreamRouter}). Each fault gets the answer of
 * docs/protocol.md §3.1: a stream error resets that stream both ways, a link error closes b's link; in both cases
 * a's log names the cause, and b's other stream and the link to c carry on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileStreamPeerTest {
    private static final int WINDOW = StreamLimits.INITIAL_WINDOW_BYTES;
    private static final int CHUNK = StreamLimits.DATA_CHUNK_BYTES_MAX;

    private final RecordingCore core = new RecordingCore();
    private final TransportSettings settings = new TransportSettings("a", 11, "demo", RouterMode.INTERIOR,
            List.of(), List.of(), 1_000, 1 << 20, 100, 5_000);
    private volatile RoutingTable routes = RoutingTable.empty("a");
    private final StreamRouter streams = new StreamRouter("a", () -> routes);
    private final LinkEnvironment env = LinkEnvironment.create(settings, new LinkRegistry("a"), core,
            new TransportCounters(), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), streams,
            LinkMessageSink.DISCARD);
    private final LogCapture linkLog = new LogCapture("vanrouter.link");
    private final LogCapture streamLog = new LogCapture("vanrouter.stream");
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
        streamLog.close();
    }

    /** b opens stream {@code id} toward c, c answers OPENED; returns a's id for it on the link to c. */
    private int openThroughToC(int id) {
        b.send(new StreamFrame.Open(id, "c", "db", "b", WINDOW));
        List<Object> toC = c.received();
        assertThat(toC).singleElement().isInstanceOf(StreamFrame.Open.class);
        int idAtC = ((StreamFrame.Open) toC.get(0)).streamId();
        c.send(new StreamFrame.Opened(idAtC));
        assertThat(b.received()).containsExactly(new StreamFrame.Opened(id));
        return idAtC;
    }

    /** b's other stream still relays both ways and both links are up. */
    private void assertOtherStreamCarriesOn(int id, int idAtC) {
        b.send(data(id, 5));
        c.send(data(idAtC, 7));
        assertThat(c.received()).containsExactly("DATA " + idAtC + " 5");
        assertThat(b.received()).containsExactly("DATA " + id + " 7");
        assertThat(b.active()).isTrue();
        assertThat(c.active()).isTrue();
        assertThat(core.downs).isEmpty();
    }

    @Test
    void shouldResetStreamThatSendsBeyondItsWindow() {
        int idAtC = openThroughToC(1);
        int otherAtC = openThroughToC(3);
        // c grants nothing: a forwards one window to c, grants that back to b, and holds the second window.
        for (int i = 0; i < 2 * WINDOW / CHUNK; i++) {
            b.send(data(1, CHUNK));
        }
        List<Object> toB = b.received();
        assertThat(granted(toB, 1)).isEqualTo(WINDOW);
        assertThat(streams.views()).filteredOn(v -> v.address().equals("db")).first()
                .satisfies(v -> assertThat(v.bufferedBytes()).isEqualTo(WINDOW));

        b.send(data(1, 1));
        String why = "1 bytes beyond window 0";
        assertThat(b.received()).containsExactly(StreamFrame.Reset.of(1, StreamResetCode.PROTOCOL_ERROR, why));
        assertThat(c.received()).filteredOn(f -> f instanceof StreamFrame.Reset)
                .containsExactly(StreamFrame.Reset.of(idAtC, StreamResetCode.PROTOCOL_ERROR, why));
        assertThat(streamLog.messages(Level.WARN)).containsExactly("[a] stream 1 on link L" + b.linkId
                + " (b) #1 reset: PROTOCOL_ERROR: " + why);
        assertOtherStreamCarriesOn(3, otherAtC);
    }

    @Test
    void shouldResetStreamThatSendsDataAfterEnd() {
        int idAtC = openThroughToC(1);
        int otherAtC = openThroughToC(3);
        b.send(new StreamFrame.End(1), data(1, 10));
        assertThat(b.received()).containsExactly(
                StreamFrame.Reset.of(1, StreamResetCode.PROTOCOL_ERROR, "data after end"));
        assertThat(c.received()).containsExactly(new StreamFrame.End(idAtC),
                StreamFrame.Reset.of(idAtC, StreamResetCode.PROTOCOL_ERROR, "data after end"));
        assertThat(streamLog.messages(Level.WARN)).containsExactly("[a] stream 1 on link L" + b.linkId
                + " (b) #1 reset: PROTOCOL_ERROR: data after end");
        assertOtherStreamCarriesOn(3, otherAtC);
    }

    @Test
    void shouldResetStreamWhoseWindowGrantOverflowsItsCredit() {
        int idAtC = openThroughToC(1);
        int otherAtC = openThroughToC(3);
        b.send(new StreamFrame.Window(1, Integer.MAX_VALUE));
        String why = "window grant of 2147483647 bytes overflows credit " + WINDOW;
        assertThat(b.received()).containsExactly(StreamFrame.Reset.of(1, StreamResetCode.PROTOCOL_ERROR, why));
        assertThat(c.received()).containsExactly(StreamFrame.Reset.of(idAtC, StreamResetCode.PROTOCOL_ERROR, why));
        assertThat(streamLog.messages(Level.WARN)).containsExactly("[a] stream 1 on link L" + b.linkId
                + " (b) #1 reset: PROTOCOL_ERROR: " + why);
        assertOtherStreamCarriesOn(3, otherAtC);
    }

    @Test
    void shouldLogProtocolErrorResetReceivedFromPeer() {
        int idAtC = openThroughToC(1);
        c.send(StreamFrame.Reset.of(idAtC, StreamResetCode.PROTOCOL_ERROR, "data after end"));
        assertThat(b.received()).containsExactly(
                StreamFrame.Reset.of(1, StreamResetCode.PROTOCOL_ERROR, "data after end"));
        assertThat(streamLog.messages(Level.WARN)).containsExactly("[a] stream 1 on link L" + c.linkId + " (c) #"
                + idAtC + " reset by the peer: PROTOCOL_ERROR: data after end");
    }

    @Test
    void shouldAcceptWindowGrantsUpToTheLargestCredit() {
        int idAtC = openThroughToC(1);
        b.send(new StreamFrame.Window(1, Integer.MAX_VALUE - WINDOW));
        c.send(data(idAtC, 3));
        assertThat(b.received()).containsExactly("DATA 1 3");
        assertThat(streamLog.messages(Level.WARN)).isEmpty();
    }

    @Test
    void shouldIgnoreFramesForUnknownStreams() {
        int idAtC = openThroughToC(1);
        b.send(data(99, 10), new StreamFrame.Window(99, 5), new StreamFrame.End(99), new StreamFrame.Opened(99),
                StreamFrame.Reset.of(99, StreamResetCode.ABORTED, "x"), data(7, 1));
        assertThat(streams.framesForUnknownStreams()).isEqualTo(6);
        assertThat(b.received()).isEmpty();
        assertThat(c.received()).isEmpty();
        assertOtherStreamCarriesOn(1, idAtC);
    }

    @Test
    void shouldCloseLinkOnDuplicateOpenAndResetItsStreamsOnly() {
        int idAtC = openThroughToC(1);
        b.send(new StreamFrame.Open(1, "c", "db", "b", WINDOW));
        String why = "STREAM_OPEN reuses live stream id 1";
        assertThat(b.received()).containsExactly(ReasonFrame.close(ReasonCode.PROTOCOL_ERROR, why));
        assertThat(b.active()).isFalse();
        assertThat(c.received()).singleElement().isInstanceOfSatisfying(StreamFrame.Reset.class, r -> {
            assertThat(r.streamId()).isEqualTo(idAtC);
            assertThat(r.reasonCode()).isEqualTo(StreamResetCode.LINK_DOWN.code());
        });
        assertThat(streamLog.messages(Level.WARN)).contains("[a] closing link L" + b.linkId + " to b: " + why);
        assertThat(core.downs).singleElement().satisfies(d -> assertThat(d.linkId()).isEqualTo(b.linkId));
        assertThat(c.active()).isTrue();
        assertThat(streams.liveStreams()).isZero();
    }

    @Test
    void shouldCloseLinkOnOpenWithOwnParity() {
        b.send(new StreamFrame.Open(2, "c", "db", "b", WINDOW));
        assertThat(b.received()).containsExactly(ReasonFrame.close(ReasonCode.PROTOCOL_ERROR,
                "STREAM_OPEN with stream id 2 of the wrong parity"));
        assertThat(c.received()).isEmpty();
        assertThat(c.active()).isTrue();
    }

    @Test
    void shouldResetStreamOnUnexpectedOpened() {
        int idAtC = openThroughToC(1);
        int otherAtC = openThroughToC(3);
        b.send(new StreamFrame.Opened(1)); // b is the listener side of stream 1: OPENED comes from c only
        assertThat(b.received()).containsExactly(
                StreamFrame.Reset.of(1, StreamResetCode.PROTOCOL_ERROR, "unexpected STREAM_OPENED"));
        assertThat(c.received()).containsExactly(
                StreamFrame.Reset.of(idAtC, StreamResetCode.PROTOCOL_ERROR, "unexpected STREAM_OPENED"));
        assertOtherStreamCarriesOn(3, otherAtC);
    }
}
