package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Garbage and oversized frames on a live router's inter-router port: that connection dies, routing goes on. */
@ExtendWith(DumpOnFailure.class)
@Timeout(90)
class BadInputIT {
    private static final Duration CONVERGE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestNetwork network;
    private RouterProcess a;

    @BeforeEach
    void setUp() throws Exception {
        network = new TestNetwork(dir);
        a = network.start("a");
        network.start("b", "a");
        await().atMost(CONVERGE).until(() -> a.routeTo("b").equals("b/1"));
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
    }

    @Test
    void shouldCloseConnectionSendingRandomBytesAndKeepRouting() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);

        try (Socket socket = connectToA()) {
            socket.getOutputStream().write(garbage);
            assertClosedByPeer(socket);
        }

        await().atMost(CONVERGE).until(() -> a.logText().matches("(?s).*(?i)(garbage|preamble).*"));
        assertRoutingGoesOn();
    }

    @Test
    void shouldCloseConnectionSendingOversizedFrameAndKeepRouting() throws Exception {
        try (Socket socket = connectToA()) {
            OutputStream out = socket.getOutputStream();
            // A valid preamble (magic "VANR", version 1) followed by a frame header claiming 512 MiB.
            ByteBuffer header = ByteBuffer.allocate(11);
            header.put("VANR".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putShort((short) 1);
            header.putInt(512 << 20).put((byte) 0x01);
            out.write(header.array());
            out.write(new byte[64 * 1024]);
            assertClosedByPeer(socket);
        }

        await().atMost(CONVERGE).until(() -> a.logText().matches("(?s).*(?i)(too large|exceeds).*"));
        assertRoutingGoesOn();
    }

    private Socket connectToA() throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), network.listenPort("a"));
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads until end of stream or reset; a timeout fails the test (the router kept the connection open). */
    private static void assertClosedByPeer(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // Skip whatever refusal the router sends before closing.
            }
        } catch (java.net.SocketException reset) {
            // A reset also means the router closed the connection.
        }
    }

    private void assertRoutingGoesOn() {
        assertThat(a.isAlive()).isTrue();
        assertThat(a.routeTo("b")).isEqualTo("b/1");
        assertThat(network.router("b").routeTo("a")).isEqualTo("a/1");
        network.assertNoUnexpectedErrors(null);
    }
}
