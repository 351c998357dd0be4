package io.vanrouter.transport.adaptor.tcp;

import static io.vanrouter.transport.adaptor.tcp.Clients.random;
import static io.vanrouter.transport.adaptor.tcp.Clients.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Half-close through a - b - c: one side's FIN ends only its direction; the other keeps flowing. */
@Timeout(60)
class TcpHalfCloseTest {
    private static final byte[] FROM_CLIENT = random(300_000, 1);
    private static final byte[] FROM_SERVER = random(700_000, 2);

    private final Routers routers = new Routers();
    private final CompletableFuture<byte[]> serverReceived = new CompletableFuture<>();
    private ScriptedServer server;

    @AfterEach
    void stop() throws Exception {
        routers.close();
        if (server != null) {
            server.close();
        }
    }

    private Router line(ScriptedServer.Script script) throws Exception {
        server = new ScriptedServer(script);
        Map<String, List<String>> directory = Map.of("svc", List.of("c"));
        Router a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), directory);
        Router b = routers.start("b", List.of(), List.of(), directory, a);
        routers.start("c", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1", server.port())),
                directory, b);
        routers.awaitRoutes();
        return a;
    }

    @Test
    void shouldDeliverServerDataAfterClientClosesItsWriteSideFirst() throws Exception {
        Router a = line(socket -> {
            serverReceived.complete(readAll(socket.getInputStream())); // until the client's FIN
            socket.getOutputStream().write(FROM_SERVER);
            socket.shutdownOutput();
        });
        try (Socket client = Clients.connect(a.tcpPort())) {
            client.getOutputStream().write(FROM_CLIENT);
            client.shutdownOutput();
            assertThat(readAll(client.getInputStream())).isEqualTo(FROM_SERVER);
        }
        assertThat(serverReceived.get(10, TimeUnit.SECONDS)).isEqualTo(FROM_CLIENT);
        routers.awaitIdle();
    }

    @Test
    void shouldDeliverClientDataAfterServerClosesItsWriteSideFirst() throws Exception {
        Router a = line(socket -> {
            socket.getOutputStream().write(FROM_SERVER);
            socket.shutdownOutput();
            serverReceived.complete(readAll(socket.getInputStream()));
        });
        try (Socket client = Clients.connect(a.tcpPort())) {
            assertThat(readAll(client.getInputStream())).isEqualTo(FROM_SERVER);
            client.getOutputStream().write(FROM_CLIENT);
            client.shutdownOutput();
            assertThat(serverReceived.get(10, TimeUnit.SECONDS)).isEqualTo(FROM_CLIENT);
        }
        routers.awaitIdle();
    }

    @Test
    void shouldDeliverBothDirectionsWhenBothCloseTheirWriteSidesAtOnce() throws Exception {
        Router a = line(socket -> {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(socket, FROM_SERVER));
            serverReceived.complete(readAll(socket.getInputStream()));
            writer.get();
        });
        try (Socket client = Clients.connect(a.tcpPort())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(client, FROM_CLIENT));
            assertThat(readAll(client.getInputStream())).isEqualTo(FROM_SERVER);
            writer.get(10, TimeUnit.SECONDS);
        }
        assertThat(serverReceived.get(10, TimeUnit.SECONDS)).isEqualTo(FROM_CLIENT);
        routers.awaitIdle();
    }

    private static void write(Socket socket, byte[] data) {
        try {
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
