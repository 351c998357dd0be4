package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vanrouter.it.FaultProxy.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FaultProxy} in front of a local echo server: each fault does what the fault-injection suite relies on. */
@Timeout(60)
class FaultProxyIT {
    /** How long "nothing arrives" is watched: a negative check, so only its length matters, not the machine. */
    private static final int QUIET_MILLIS = 300;

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void setUp() throws IOException {
        echo = Servers.echo();
        proxy = FaultProxy.start("test", 0, echo.getLocalPort());
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String read(Socket socket, int bytes) throws IOException {
        return new String(socket.getInputStream().readNBytes(bytes), StandardCharsets.UTF_8);
    }

    private static void assertQuiet(Socket socket) throws IOException {
        socket.setSoTimeout(QUIET_MILLIS);
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        socket.setSoTimeout(20_000);
    }

    @Test
    void shouldRelayBothDirectionsByteForByte() throws Exception {
        byte[] payload = new byte[2 << 20];
        new Random(1).nextBytes(payload);
        try (Socket socket = connect()) {
            byte[] back = Servers.roundTrip(socket, payload, 20);
            assertThat(Arrays.equals(back, payload)).as("2 MiB echoed intact, then FIN passed both ways").isTrue();
        }
    }

    @Test
    void shouldHoldBytesWhileStalledAndDeliverThemAfterHeal() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "a");
            assertThat(read(socket, 1)).isEqualTo("a");
            proxy.stall(Direction.FORWARD);
            send(socket, "held");
            assertQuiet(socket);
            proxy.heal();
            assertThat(read(socket, 4)).isEqualTo("held");
        }
    }

    @Test
    void shouldHoldAFinWhileStalledAndPassItOnWhenTheStallEnds() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "a");
            assertThat(read(socket, 1)).isEqualTo("a");
            proxy.stall(Direction.FORWARD);
            socket.shutdownOutput(); // the echo server closes once this FIN reaches it
            assertQuiet(socket);
            proxy.resume(Direction.FORWARD);
            assertThat(socket.getInputStream().read()).as("EOF once the FIN got through").isEqualTo(-1);
        }
    }

    @Test
    void shouldDropBytesSilentlyInBlackHole() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "a");
            assertThat(read(socket, 1)).isEqualTo("a");
            proxy.blackHole(Direction.BACKWARD);
            send(socket, "lost");
            assertQuiet(socket);
            proxy.heal();
            send(socket, "kept");
            assertThat(read(socket, 4)).as("what the hole swallowed never comes").isEqualTo("kept");
        }
    }

    @Test
    void shouldResetTheReceivingSideOfADirection() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "a");
            assertThat(read(socket, 1)).isEqualTo("a");
            proxy.reset(Direction.BACKWARD);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void shouldHalfCloseWithFin() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "a");
            assertThat(read(socket, 1)).isEqualTo("a");
            proxy.finish(Direction.BACKWARD);
            assertThat(socket.getInputStream().read()).as("EOF, not a reset").isEqualTo(-1);
        }
    }

    @Test
    void shouldEndNewConnectionsWhileDownAndRelayAgainAfterHeal() throws Exception {
        try (Socket live = connect()) {
            send(live, "a");
            assertThat(read(live, 1)).isEqualTo("a");
            proxy.down(true);
            assertThatThrownBy(() -> live.getInputStream().read()).isInstanceOf(SocketException.class);
        }
        try (Socket refused = connect()) {
            InputStream in = refused.getInputStream();
            assertThatThrownBy(() -> {
                send(refused, "x");
                if (in.read() < 0) {
                    throw new SocketException("EOF");
                }
            }).isInstanceOf(SocketException.class);
        }
        proxy.heal();
        try (Socket again = connect()) {
            send(again, "b");
            assertThat(read(again, 1)).isEqualTo("b");
        }
    }

    @Test
    void shouldDelayEachChunk() throws Exception {
        try (Socket socket = connect()) {
            proxy.delay(400, Direction.FORWARD);
            long start = System.nanoTime();
            send(socket, "slow");
            assertThat(read(socket, 4)).isEqualTo("slow");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void shouldDelayBothWaysInOrderAndKeepTheDelayWhenAStallEnds() throws Exception {
        try (Socket socket = connect()) {
            proxy.delay(200, Direction.FORWARD, Direction.BACKWARD);
            long start = System.nanoTime();
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                String piece = i + ",";
                send(socket, piece);
                sent.append(piece);
            }
            assertThat(read(socket, sent.length())).as("every piece back, in order").isEqualTo(sent.toString());
            assertThat(millisSince(start)).as("200 ms each way").isGreaterThanOrEqualTo(400);

            proxy.stall(Direction.FORWARD);
            send(socket, "held");
            assertQuiet(socket);
            proxy.resume(Direction.FORWARD);
            long resumed = System.nanoTime();
            assertThat(read(socket, 4)).isEqualTo("held");
            assertThat(millisSince(resumed)).as("still 200 ms each way after the stall").isGreaterThanOrEqualTo(400);
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Test
    void shouldThrottleToTheGivenRate() throws Exception {
        byte[] payload = new byte[256 * 1024];
        try (Socket socket = connect()) {
            proxy.throttle(128 * 1024, Direction.BACKWARD);
            long start = System.nanoTime();
            CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(payload);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(socket.getInputStream().readNBytes(payload.length)).hasSize(payload.length);
            // 256 KiB at 128 KiB/s: the last chunk leaves no earlier than ~2 s minus one chunk's time
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1_800);
        }
    }
}
