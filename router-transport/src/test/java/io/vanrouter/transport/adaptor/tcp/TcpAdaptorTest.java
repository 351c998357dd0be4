package io.vanrouter.transport.adaptor.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.TransportSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP adaptor as a plug-in of {@link TransportServer}: what it announces, binds and releases. */
@Timeout(30)
class TcpAdaptorTest {
    private final TransportServer server = new TransportServer(new TransportSettings("a", 1, "test",
            RouterMode.INTERIOR, List.of(), List.of(), 5_000, TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50, 500));
    private final RecordingCore core = new RecordingCore();

    @AfterEach
    void tearDown() {
        server.close();
    }

    private static TcpAdaptor adaptor(List<TcpListenerSettings> listeners, List<TcpConnectorSettings> connectors) {
        return new TcpAdaptor(new TcpSettings(listeners, connectors),
                new StaticConnectorDirectory("a", Map.of(), () -> RoutingTable.empty("a")));
    }

    @Test
    void shouldAdvertiseEveryConnectorAddressAsALocalConsumer() throws Exception {
        TcpAdaptor tcp = adaptor(List.of(), List.of(new TcpConnectorSettings("db", "127.0.0.1", 5432),
                new TcpConnectorSettings("web", "127.0.0.1", 8080)));

        server.start(core, List.of(tcp));

        assertThat(core.consumers).containsExactly("db", "web");
        assertThat(tcp.name()).isEqualTo("tcp");
    }

    @Test
    void shouldReportBoundListenersInConfigurationOrderAndReleaseThemOnClose() throws Exception {
        TcpAdaptor tcp = adaptor(List.of(new TcpListenerSettings("db", "127.0.0.1", 0),
                new TcpListenerSettings("web", "127.0.0.1", 0)), List.of());
        server.start(core, List.of(tcp));
        List<InetSocketAddress> bound = tcp.listenerAddresses();
        assertThat(bound).hasSize(2).allSatisfy(address -> assertThat(address.getPort()).isPositive());

        server.close();

        for (InetSocketAddress address : bound) {
            assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void shouldFailTheTransportStartWithTheListenersAddressWhenItsPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            TcpAdaptor tcp = adaptor(List.of(new TcpListenerSettings("db", "127.0.0.1", taken.getLocalPort())),
                    List.of());

            assertThatThrownBy(() -> server.start(core, List.of(tcp))).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen for 'db' on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
