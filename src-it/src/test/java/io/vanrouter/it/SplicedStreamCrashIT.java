package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bulk transfer through {@code a - b - c} (real processes), spliced at every router, when transit router b is killed
 * with SIGKILL. b's kernel closes its stream connections, with a FIN where it had nothing unread (the side b was
 * sending on), and a FIN on a stream connection ends a direction only once the link confirms it with a STREAM_END that
 * counts the bytes (docs/protocol.md, section 5.3): the application reading at the far end must see its connection
 * reset, never a clean end of a truncated stream. Before that confirmation, a download's client read a clean EOF after
 * some GB, and an upload's server likewise. The reading side only reads: a writer on the same socket could take the
 * reset's error first and leave the reader an EOF.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
class SplicedStreamCrashIT {
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    /** Enough at every router to count as bulk (1 MiB in large reads) and to have moved both hops. */
    private static final long BEFORE_KILL_BYTES = 64L << 20;
    private static final Pattern SPLICED = Pattern.compile(
            "(?m)^vanrouter_tcp_streams_spliced(?:_total)?(?:\\{[^}]*\\})? (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    TestNetwork network; // read by DumpOnFailure
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        network.close();
    }

    /** One side of the transfer: writes without end, or reads to the end and says how its reading ended. */
    private static final class Peer implements AutoCloseable {
        final AtomicLong read = new AtomicLong();
        /** "EOF" for a clean end, the exception for a reset or failure; null while reading. */
        final AtomicReference<String> readEnd = new AtomicReference<>();
        private final Socket socket;

        Peer(Socket socket, boolean writes) {
            this.socket = socket;
            Thread thread = new Thread(writes ? this::writeForever : this::readToEnd,
                    (writes ? "writer-" : "reader-") + socket.getLocalPort());
            thread.setDaemon(true);
            thread.start();
        }

        private void writeForever() {
            byte[] chunk = new byte[64 << 10];
            new java.util.Random(socket.getLocalPort()).nextBytes(chunk);
            try {
                OutputStream out = socket.getOutputStream();
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // reset (or closed by the test): the reader at the other end reports how
            }
        }

        private void readToEnd() {
            byte[] buffer = new byte[64 << 10];
            try {
                InputStream in = socket.getInputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    read.addAndGet(n);
                }
                readEnd.set("EOF");
            } catch (IOException e) {
                readEnd.set(e.toString());
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static long spliced(RouterProcess router) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.managementPort
                    + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build();
            Matcher matcher = SPLICED.matcher(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
            return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"download", "upload"})
    void shouldResetTheReaderWhenTheTransitRouterOfASplicedTransferIsKilled(String direction) throws Exception {
        boolean download = direction.equals("download"); // the server writes, the client reads
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        closeables.add(server);
        AtomicReference<Peer> serverSide = new AtomicReference<>();
        Thread acceptor = new Thread(() -> {
            try {
                Peer peer = new Peer(server.accept(), download);
                closeables.add(peer);
                serverSide.set(peer);
            } catch (IOException e) {
                // the test ended before a connection came: it fails on its own awaits
            }
        }, "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", TcpAdaptorIT.listener("bulk", port), "b");
        RouterProcess b = network.start("b", "c");
        RouterProcess c = network.startWith("c", TcpAdaptorIT.connector("bulk", server.getLocalPort()));
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(a, "bulk").contains("c"));

        Peer client = new Peer(new Socket(InetAddress.getLoopbackAddress(), port), !download);
        closeables.add(client);
        await().atMost(CONVERGE).until(() -> serverSide.get() != null);
        Peer reader = download ? client : serverSide.get();
        await().atMost(CONVERGE).until(() -> reader.read.get() > BEFORE_KILL_BYTES);
        await().atMost(CONVERGE).until(() -> spliced(a) == 1 && spliced(b) == 1 && spliced(c) == 1);
        assertThat(reader.readEnd.get()).as("the %s still runs", direction).isNull();

        b.kill();
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.readEnd.get() != null);
        System.out.printf("SplicedStreamCrashIT: %s, b killed; the %s read %d bytes, then %s%n", direction,
                download ? "client" : "server", reader.read.get(), reader.readEnd.get());
        assertThat(reader.readEnd.get()).as("how the %s ended for its reader", direction).isNotEqualTo("EOF")
                .contains("reset");
        network.assertNoUnexpectedErrors(null);
    }
}
