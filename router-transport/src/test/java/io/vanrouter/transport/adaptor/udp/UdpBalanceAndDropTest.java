package io.vanrouter.transport.adaptor.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.adaptor.udp.UdpRouters.Router;
import io.vanrouter.transport.stream.DatagramEnd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flows spread over two connector sites, and the bound on what a flow may hold. */
@Timeout(60)
class UdpBalanceAndDropTest {

    /** a dials b and c, both at cost 1, each with a connector and its own echo server. */
    @Test
    void shouldBalanceClientFlowsOverTwoConnectorSites() throws Exception {
        Map<String, List<String>> directory = Map.of("echo", List.of("b", "c"));
        List<UdpClient> clients = new ArrayList<>();
        try (UdpRouters routers = new UdpRouters(); UdpEchoServer atB = new UdpEchoServer();
                UdpEchoServer atC = new UdpEchoServer()) {
            Router b = routers.start("b", connector(atB.port()), directory);
            Router c = routers.start("c", connector(atC.port()), directory);
            Router a = routers.start("a", new UdpSettings(List.of(new UdpListenerSettings("echo", "127.0.0.1", 0)),
                    List.of()), directory, b, c);
            routers.awaitRoutes();

            for (int i = 0; i < 20; i++) {
                UdpClient client = new UdpClient(a.udpPort());
                clients.add(client);
                assertThat(client.exchange(("flow " + i).getBytes())).isEqualTo(("flow " + i).getBytes());
            }

            assertThat(b.counters("echo").flowsServed()).isEqualTo(10);
            assertThat(c.counters("echo").flowsServed()).isEqualTo(10);
            assertThat(atB.senderPorts).hasSize(10); // one server socket per flow
            assertThat(atC.senderPorts).hasSize(10);
            assertThat(a.counters("echo").flowsOpen()).isEqualTo(20);
        } finally {
            clients.forEach(UdpClient::close);
        }
    }

    /** A multicast address: every datagram of a client goes to both connector sites, and both sites' replies back. */
    @Test
    void shouldCopyEachDatagramOfAMulticastAddressToEveryConnectorSite() throws Exception {
        Map<String, List<String>> directory = Map.of("echo", List.of("b", "c"));
        try (UdpRouters routers = new UdpRouters(); UdpEchoServer atB = new UdpEchoServer();
                UdpEchoServer atC = new UdpEchoServer()) {
            Router b = routers.start("b", connector(atB.port()), directory);
            Router c = routers.start("c", connector(atC.port()), directory);
            Router a = routers.start("a", new UdpSettings(List.of(new UdpListenerSettings("echo", "127.0.0.1", 0,
                    Distribution.MULTICAST)), List.of()), directory, b, c);
            routers.awaitRoutes();

            try (UdpClient client = new UdpClient(a.udpPort())) {
                Map<String, Integer> replies = new HashMap<>();
                for (int i = 0; i < 10; i++) {
                    client.send(("d" + i).getBytes(StandardCharsets.UTF_8));
                    // one at a time: wait for both copies' echoes, so that no socket buffer drops any
                    for (int copy = 0; copy < 2; copy++) {
                        replies.merge(new String(client.receive(), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                }
                for (int i = 0; i < 10; i++) {
                    assertThat(replies).as("echoes of d%d", i).containsEntry("d" + i, 2);
                }
            }
            // A copy is counted once its offer returns (ClientFlow): on a busy core, maybe after its echo came back.
            await().atMost(UdpRouters.WAIT).untilAsserted(() -> {
                assertThat(b.counters("echo").flowsServed()).isEqualTo(1);
                assertThat(c.counters("echo").flowsServed()).isEqualTo(1);
                assertThat(a.counters("echo").flowsStarted()).isEqualTo(1); // one client, one flow, two copies
                assertThat(a.counters("echo").datagramsIn()).isEqualTo(20);
                assertThat(a.counters("echo").datagramsOut()).isEqualTo(20);
            });
        }
    }

    /**
     * c's connector never finishes opening its server socket, so every datagram of the flow waits at a: past the
     * flow's bound of 128 KiB they are dropped and counted, not queued.
     */
    @Test
    void shouldDropAndCountDatagramsBeyondTheFlowsBound() throws Exception {
        Map<String, List<String>> directory = Map.of("stuck", List.of("c"));
        try (UdpRouters routers = new UdpRouters()) {
            Router c = routers.start("c", core -> new StalledConnector());
            Router a = routers.start("a", new UdpSettings(List.of(new UdpListenerSettings("stuck", "127.0.0.1", 0)),
                    List.of()), directory, c);
            routers.awaitRoutes();

            try (UdpClient sender = new UdpClient(a.udpPort())) {
                for (int i = 0; i < 40; i++) {
                    sender.send(new byte[10_000]);
                    int sent = i + 1; // one at a time, so that the kernel drops none before a reads it
                    await().atMost(UdpRouters.WAIT).pollInterval(Duration.ofMillis(2)).until(() -> a.counters("stuck")
                            .datagramsIn() + a.counters("stuck").droppedCongested() == sent);
                }
            }
            int fit = DatagramEnd.PENDING_BYTES_MAX / 10_002; // each waits with its 2-byte length
            assertThat(a.counters("stuck").datagramsIn()).isEqualTo(fit);
            assertThat(a.counters("stuck").droppedCongested()).isEqualTo(40 - fit);
            assertThat(a.server().streamViews()).singleElement()
                    .satisfies(v -> assertThat(v.bufferedBytes()).isLessThanOrEqualTo(DatagramEnd.PENDING_BYTES_MAX));
        }
    }

    private static UdpSettings connector(int port) {
        return new UdpSettings(List.of(), List.of(new UdpConnectorSettings("echo", "127.0.0.1", port)));
    }

    /** A connector for every UDP address whose server socket never becomes ready. */
    private static final class StalledConnector implements ProtocolAdaptor {
        @Override
        public String name() {
            return "stalled";
        }

        @Override
        public void start(AdaptorContext context) {
            context.streams().datagramConnector(UdpAdaptor.NAMESPACE, (address, loop, flow) -> loop.newPromise());
        }

        @Override
        public void close() {
        }
    }
}
