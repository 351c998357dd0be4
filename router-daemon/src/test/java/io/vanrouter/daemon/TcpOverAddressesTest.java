package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.core.address.AddressRules;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.config.RouterConfig.RoutingConfig;
import io.vanrouter.daemon.mgmt.StatusReport;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP adaptor driven by advertised addresses: a connector at c advertises its address network-wide, a listener
 * at a finds it through the address table and routing table, with no static wiring. a - b - c in a line.
 */
class TcpOverAddressesTest {
    private static final Duration CONVERGE = Duration.ofSeconds(15);
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private RouterDaemon start(String id, List<Endpoint> peers, List<TcpListenerSettings> listeners,
            List<TcpConnectorSettings> connectors) throws Exception {
        RoutingConfig routing = RoutingConfig.defaults().withTimers(200, 600, 20_000, 60_000, 5_000, 50, 500);
        RouterConfig config = new RouterConfig(null, id, RouterMode.INTERIOR, "test",
                List.of(new Endpoint("127.0.0.1", 0, 1)), peers, new ManagementConfig(false, "127.0.0.1", 0),
                routing, AddressRules.none(), null, listeners, connectors);
        RouterDaemon router = RouterDaemon.start(config);
        resources.add(router);
        return router;
    }

    private static Endpoint peer(RouterDaemon router) {
        return new Endpoint("127.0.0.1", router.listenAddresses().get(0).getPort(), 1);
    }

    /** A server that answers every connection with one line naming itself, then echoes. */
    private ServerSocket greetingServer(String name) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(server);
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread worker = new Thread(() -> serve(socket, name), "greeting-conn");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "greeting-" + name);
        thread.setDaemon(true);
        thread.start();
        return server;
    }

    private static void serve(Socket socket, String name) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
            in.transferTo(out);
        } catch (IOException e) {
            // client went away
        }
    }

    @Test
    void shouldReachConnectorAdvertisedTwoHopsAwayAndListItInStatus() throws Exception {
        ServerSocket server = greetingServer("c-server");
        RouterDaemon c = start("c", List.of(), List.of(),
                List.of(new TcpConnectorSettings("greeter", "127.0.0.1", server.getLocalPort())));
        RouterDaemon b = start("b", List.of(peer(c)), List.of(), List.of());
        RouterDaemon a = start("a", List.of(peer(b)), List.of(new TcpListenerSettings("greeter", "127.0.0.1", 0)),
                List.of());

        await().atMost(CONVERGE).until(() -> addressRouters(a, "greeter").contains("c"));
        int port = a.tcpListenerAddresses().get(0).getPort();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            assertThat(readLine(in)).isEqualTo("c-server");
            client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readLine(in)).isEqualTo("ping");

            StatusReport status = a.status().get(5, TimeUnit.SECONDS);
            assertThat(status.connections()).singleElement().satisfies(connection -> {
                assertThat(connection.role()).isEqualTo("listener");
                assertThat(connection.address()).isEqualTo("greeter");
                assertThat(connection.destination()).isEqualTo("c");
            });
            assertThat(b.status().get(5, TimeUnit.SECONDS).connections()).singleElement()
                    .satisfies(connection -> assertThat(connection.role()).isEqualTo("transit"));
        }
    }

    @Test
    void shouldWithdrawConnectorWhenItsRouterStops() throws Exception {
        ServerSocket server = greetingServer("c-server");
        RouterDaemon c = start("c", List.of(), List.of(),
                List.of(new TcpConnectorSettings("greeter", "127.0.0.1", server.getLocalPort())));
        RouterDaemon a = start("a", List.of(peer(c)), List.of(new TcpListenerSettings("greeter", "127.0.0.1", 0)),
                List.of());
        await().atMost(CONVERGE).until(() -> addressRouters(a, "greeter").contains("c"));

        c.close();

        await().atMost(CONVERGE).until(() -> !addressRouters(a, "greeter").contains("c"));
        int port = a.tcpListenerAddresses().get(0).getPort();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(5_000);
            assertThat(readUntilClosed(client.getInputStream())).as("refused without data").isEmpty();
        }
    }

    private static List<String> addressRouters(RouterDaemon router, String address) throws Exception {
        return router.status().get(5, TimeUnit.SECONDS).addresses().stream()
                .filter(a -> a.address().equals(address)).flatMap(a -> a.routers().stream()).toList();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.net.SocketException reset) {
            return "";
        }
    }
}
