package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.transport.LinkView;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status list shows each connection once, in its most advanced state, at every moment of a dial: the sources
 * (dialer, handshaking set, active links) hand a connection on at different moments, on different threads.
 */
class LinkListingTest {
    private static final String PEER = "peer-b.example:55671"; // configured by name; sessions show the address
    private static final String ADDRESS = "10.0.0.2:55671";

    private final Object connection = new Object();

    @Test
    void shouldListADialAsHandshakingBeforeItsSessionIsRegistered() {
        List<LinkView> views = LinkListing.merge(List.of(), List.of(),
                List.of(dialer(connection, "handshaking", null)));

        assertThat(views).singleElement().satisfies(v -> {
            assertThat(v.state()).isEqualTo("handshaking");
            assertThat(v.remote()).isEqualTo(PEER);
        });
    }

    @Test
    void shouldListARegisteredHandshakeOnceThoughTheAddressTextsDiffer() {
        List<LinkView> views = LinkListing.merge(List.of(), List.of(session(connection)),
                List.of(dialer(connection, "handshaking", "connection refused")));

        assertThat(views).singleElement().satisfies(v -> {
            assertThat(v.remote()).isEqualTo(ADDRESS);
            assertThat(v.lastError()).isEqualTo("connection refused"); // the previous attempt's, from the dialer
        });
    }

    @Test
    void shouldListAnAdmittedLinkOnceWhileItsSessionIsStillHandshaking() {
        List<LinkView> views = LinkListing.merge(List.of(active(connection)), List.of(session(connection)),
                List.of(dialer(connection, "handshaking", "connection refused")));

        assertThat(views).singleElement().satisfies(v -> {
            assertThat(v.state()).isEqualTo("active");
            assertThat(v.lastError()).isNull();
        });
    }

    @Test
    void shouldKeepOtherConnectionsApart() {
        Object inbound = new Object();
        Object otherDial = new Object();

        List<LinkView> views = LinkListing.merge(List.of(active(inbound)), List.of(session(connection)),
                List.of(dialer(otherDial, "backoff", "timed out"), dialer(null, "connecting", null)));

        assertThat(views).extracting(LinkView::state)
                .containsExactly("active", "backoff", "connecting", "handshaking");
    }

    private static LinkListing.Entry dialer(Object connection, String state, String lastError) {
        return new LinkListing.Entry(connection, new LinkView(-1, null, "out", PEER, state, 1, 5, lastError, 0));
    }

    private static LinkListing.Entry session(Object connection) {
        return new LinkListing.Entry(connection, new LinkView(-1, null, "out", ADDRESS, "handshaking", 1, 2, null, 0));
    }

    private static LinkListing.Entry active(Object connection) {
        return new LinkListing.Entry(connection, new LinkView(7, "b", "out", ADDRESS, "active", 1, 1, null, 2));
    }
}
