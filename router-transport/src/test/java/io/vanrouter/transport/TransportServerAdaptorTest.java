package io.vanrouter.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adaptor lifecycle as {@link TransportServer} runs it: what adaptors get, start order, close order. */
@Timeout(60)
class TransportServerAdaptorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<TransportServer> servers = new ArrayList<>();
    /** Lifecycle events of every adaptor, in the order they happened: "start x", "close x". */
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        servers.forEach(TransportServer::close);
    }

    /** Records its lifecycle and, at close, whether the link to {@code peer} was still up. */
    private final class RecordingAdaptor implements ProtocolAdaptor {
        final String name;
        final String peer;
        final IOException startFailure;
        volatile AdaptorContext context;
        volatile TransportServer server;
        volatile Boolean linkUpAtClose;
        volatile Boolean loopsRunningAtClose;

        RecordingAdaptor(String name, String peer, IOException startFailure) {
            this.name = name;
            this.peer = peer;
            this.startFailure = startFailure;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(AdaptorContext context) throws IOException {
            events.add("start " + name);
            this.context = context;
            if (startFailure != null) {
                throw startFailure;
            }
        }

        @Override
        public void close() {
            events.add("close " + name);
            if (server != null && peer != null) {
                linkUpAtClose = server.activeLink(peer) != null;
            }
            if (context != null) {
                loopsRunningAtClose = !context.eventLoops().isShuttingDown();
            }
        }
    }

    private TransportServer server(String id, Endpoint... peers) {
        TransportServer server = new TransportServer(new TransportSettings(id, 1, "test", RouterMode.INTERIOR,
                List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(peers), 5_000,
                TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50, 500));
        servers.add(server);
        return server;
    }

    @Test
    void shouldStartAdaptorsInOrderWithTheTransportsPlanesAndLoops() throws Exception {
        TransportServer server = server("a");
        RecordingAdaptor first = new RecordingAdaptor("first", null, null);
        RecordingAdaptor second = new RecordingAdaptor("second", null, null);

        server.start(new RecordingCore(), List.of(first, second));

        assertThat(events).containsExactly("start first", "start second");
        AdaptorContext context = first.context;
        assertThat(second.context).isSameAs(context);
        assertThat(context.routerId()).isEqualTo("a");
        assertThat(context.streams()).isSameAs(server.streamRouter());
        assertThat(context.messages()).isSameAs(server.messageRouter());
        assertThat(context.eventLoops().isShuttingDown()).isFalse();
        assertThat(context.routing().routingTable().routes()).isEmpty();
    }

    @Test
    void shouldCloseAdaptorsInReverseOrderWhileLinksAndLoopsAreStillUp() throws Exception {
        TransportServer a = server("a");
        RecordingAdaptor first = new RecordingAdaptor("first", "b", null);
        RecordingAdaptor second = new RecordingAdaptor("second", "b", null);
        first.server = a;
        second.server = a;
        a.start(new RecordingCore(), List.of(first, second));
        TransportServer b = server("b", new Endpoint("127.0.0.1", a.boundAddresses().get(0).getPort(), 1));
        b.start(new RecordingCore());
        await().atMost(WAIT).until(() -> a.activeLink("b") != null);

        a.close();

        assertThat(events).containsExactly("start first", "start second", "close second", "close first");
        // Adaptors stop accepting before the links are closed and the loops stop.
        assertThat(first.linkUpAtClose).isTrue();
        assertThat(second.linkUpAtClose).isTrue();
        assertThat(first.loopsRunningAtClose).isTrue();
        assertThat(a.activeLink("b")).isNull();
    }

    @Test
    void shouldCloseEveryAdaptorAndRethrowWhenOneFailsToStart() {
        TransportServer server = server("a");
        RecordingAdaptor first = new RecordingAdaptor("first", null, null);
        RecordingAdaptor failing = new RecordingAdaptor("failing", null, new IOException("port 1883 in use"));
        RecordingAdaptor never = new RecordingAdaptor("never", null, null);

        assertThatThrownBy(() -> server.start(new RecordingCore(), List.of(first, failing, never)))
                .isInstanceOf(IOException.class).hasMessage("port 1883 in use");

        assertThat(events).containsExactly("start first", "start failing", "close never", "close failing",
                "close first");
        assertThat(first.context.eventLoops().isShuttingDown()).isTrue();
    }
}
