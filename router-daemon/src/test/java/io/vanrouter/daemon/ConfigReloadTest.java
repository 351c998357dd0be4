package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.mgmt.ReloadOutcome;
import io.vanrouter.daemon.mgmt.StatusReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Live reload against three routers in one JVM with real sockets: peers added and removed, a cost changed (routes
 * move), a connector added (its address appears network-wide), a listener removed (its port closes), a bad file and a
 * change that needs a restart (nothing changes). A TCP stream from a to b's echo server over the untouched a - b link
 * lives through every one of them.
 */
@Timeout(120)
class ConfigReloadTest {
    private static final Duration CONVERGE = Duration.ofSeconds(15);
    @TempDir
    Path dir;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Random random = new Random(7);

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** A free port other than {@code taken}: two probes in a row may be given the same one. */
    private static int otherFreePort(int taken) throws IOException {
        int port = freePort();
        while (port == taken) {
            port = freePort();
        }
        return port;
    }

    private Path write(String id, String body) throws IOException {
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, "router: {id: " + id + ", network: reload}\n"
                + "routing: {helloIntervalMillis: 200, deadIntervalMillis: 1000, reconnectInitialMillis: 50,"
                + " reconnectMaxMillis: 500}\n"
                + "management: {enabled: false}\ntls: {insecure: true}\n" + body);
        return file;
    }

    private RouterDaemon start(Path file) throws Exception {
        RouterDaemon router = RouterDaemon.start(ConfigLoader.loadAndCheckFiles(file, Instant.now()));
        resources.add(router);
        return router;
    }

    private ServerSocket echoServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(server);
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread worker = new Thread(() -> {
                        try (socket; InputStream in = socket.getInputStream();
                                OutputStream out = socket.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // client went away
                        }
                    }, "echo-conn");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "echo");
        thread.setDaemon(true);
        thread.start();
        return server;
    }

    /** Sends 256 KiB on the long-lived stream and checks that the same bytes come back. */
    private void roundTrip(Socket stream) throws IOException {
        byte[] sent = new byte[256 << 10];
        random.nextBytes(sent);
        Thread writer = new Thread(() -> {
            try {
                stream.getOutputStream().write(sent);
            } catch (IOException e) {
                // the read below fails too
            }
        });
        writer.start();
        byte[] back = stream.getInputStream().readNBytes(sent.length);
        assertThat(Arrays.equals(back, sent)).as("echoed intact over the untouched a - b link").isTrue();
    }

    private static StatusReport status(RouterDaemon router) throws Exception {
        return router.status().get(5, TimeUnit.SECONDS);
    }

    private static StatusReport.Link linkTo(RouterDaemon router, String peer) throws Exception {
        return status(router).links().stream().filter(l -> peer.equals(l.peer()) && "up".equals(l.state()))
                .findFirst().orElseThrow();
    }

    private static List<String> upLinks(RouterDaemon router) throws Exception {
        return status(router).links().stream().filter(l -> "up".equals(l.state())).map(StatusReport.Link::peer)
                .sorted().toList();
    }

    private static String nextHop(RouterDaemon router, String to) throws Exception {
        return status(router).nodes().stream().filter(n -> n.id().equals(to)).findFirst()
                .map(StatusReport.Node::nextHop).orElse(null);
    }

    private static List<String> addressRouters(RouterDaemon router, String address) throws Exception {
        return status(router).addresses().stream().filter(a -> a.address().equals(address))
                .flatMap(a -> a.routers().stream()).toList();
    }

    @Test
    void shouldApplyEachReloadAndKeepUntouchedStreams() throws Exception {
        int aPort = freePort();
        int bPort = freePort();
        int cPort = freePort();
        int echoPort = freePort();
        int secondPort = freePort();
        ServerSocket echo = echoServer();
        String bListen = "listen: [{host: 127.0.0.1, port: " + bPort + "}]\n";
        String cListen = "listen: [{host: 127.0.0.1, port: " + cPort + "}]\n";
        String aListen = "listen: [{host: 127.0.0.1, port: " + aPort + "}]\n";
        String aTcp = "tcp:\n  listeners:\n    - {address: echo, host: 127.0.0.1, port: " + echoPort + "}\n";
        String aSecond = "    - {address: echo, host: 127.0.0.1, port: " + secondPort + "}\n";
        RouterDaemon b = start(write("b", bListen + "peers: [{host: 127.0.0.1, port: " + cPort + "}]\n"
                + "tcp:\n  connectors: [{address: echo, host: 127.0.0.1, port: " + echo.getLocalPort() + "}]\n"));
        RouterDaemon c = start(write("c", cListen));
        Path aFile = write("a", aListen + "peers: [{host: 127.0.0.1, port: " + bPort + "}]\n" + aTcp + aSecond);
        RouterDaemon a = start(aFile);
        await().atMost(CONVERGE).until(() -> addressRouters(a, "echo").contains("b"));
        Socket stream = new Socket(InetAddress.getLoopbackAddress(), echoPort);
        resources.add(stream);
        stream.setSoTimeout(10_000);
        roundTrip(stream);

        // Add a peer: a dials c too; a's route to c moves from b to the direct link.
        ReloadOutcome added = reload(a, aFile, aListen + "peers: [{host: 127.0.0.1, port: " + bPort + "},"
                + " {host: 127.0.0.1, port: " + cPort + ", cost: 1}]\n" + aTcp + aSecond);
        assertThat(added.applied()).as(added.summary()).isTrue();
        assertThat(added.generation()).isEqualTo(2);
        assertThat(added.summary()).contains("dial 127.0.0.1:" + cPort);
        await().atMost(CONVERGE).until(() -> upLinks(a).equals(List.of("b", "c")) && "c".equals(nextHop(a, "c")));
        roundTrip(stream);

        // Change a cost: the direct a - c link costs 10, so a reaches c through b again; the link itself stays.
        long acLink = linkTo(a, "c").id();
        ReloadOutcome costly = reload(a, aFile, aListen + "peers: [{host: 127.0.0.1, port: " + bPort + "},"
                + " {host: 127.0.0.1, port: " + cPort + ", cost: 10}]\n" + aTcp + aSecond);
        assertThat(costly.applied()).isTrue();
        await().atMost(CONVERGE).until(() -> "b".equals(nextHop(a, "c")) && upLinks(a).equals(List.of("b", "c")));
        assertThat(linkTo(a, "c").cost()).isEqualTo(10);
        assertThat(linkTo(a, "c").id()).as("the same link, not a new one").isEqualTo(acLink);
        assertThat(costly.summary()).contains("cost 10 for peer 127.0.0.1:" + cPort);
        roundTrip(stream);

        // c's listener cost goes up to 20: the link accepted on it takes max(10, 20) at both ends, still the same.
        Path cFile = dir.resolve("c.yaml");
        ReloadOutcome listenerCost = reload(c, cFile, "listen: [{host: 127.0.0.1, port: " + cPort + ", cost: 20}]\n");
        assertThat(listenerCost.applied()).as(listenerCost.summary()).isTrue();
        await().atMost(CONVERGE).until(() -> linkTo(a, "c").cost() == 20 && linkTo(c, "a").cost() == 20);
        assertThat(linkTo(a, "c").id()).isEqualTo(acLink);
        roundTrip(stream);

        // Remove a listener: its port closes, the other (with the live stream) stays.
        ReloadOutcome removed = reload(a, aFile, aListen + "peers: [{host: 127.0.0.1, port: " + bPort + "},"
                + " {host: 127.0.0.1, port: " + cPort + ", cost: 10}]\n" + aTcp);
        assertThat(removed.applied()).isTrue();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), secondPort).close())
                .isInstanceOf(ConnectException.class);
        roundTrip(stream);

        // Add a connector at c: its address appears at a.
        ReloadOutcome connector = reload(c, cFile, "listen: [{host: 127.0.0.1, port: " + cPort + ", cost: 20}]\n"
                + "tcp:\n  connectors: [{address: echo-c, host: 127.0.0.1,"
                + " port: " + echo.getLocalPort() + "}]\n");
        assertThat(connector.applied()).as(connector.summary()).isTrue();
        await().atMost(CONVERGE).until(() -> addressRouters(a, "echo-c").contains("c"));
        roundTrip(stream);

        // A file with a problem, and one that changes what needs a restart: rejected, nothing changes.
        String live = Files.readString(aFile);
        ReloadOutcome bad = reload(a, aFile, aListen + "peers: [{host: 127.0.0.1, port: 70000}]\n");
        assertThat(bad.applied()).isFalse();
        assertThat(bad.generation()).isEqualTo(4);
        assertThat(bad.problems()).anyMatch(p -> p.contains("70000"));
        Files.writeString(aFile, live.replace("id: a,", "id: a2,"));
        ReloadOutcome renamed = a.reload();
        assertThat(renamed.applied()).isFalse();
        assertThat(renamed.summary()).contains("router.id changed").contains("restart");
        assertThat(status(a).configGeneration()).isEqualTo(4);
        assertThat(upLinks(a)).containsExactly("b", "c");
        roundTrip(stream);

        // Remove a peer: the a - c link closes (c does not dial a), a reaches c through b.
        Files.writeString(aFile, live);
        ReloadOutcome dropped = reload(a, aFile, aListen + "peers: [{host: 127.0.0.1, port: " + bPort + "}]\n"
                + aTcp);
        assertThat(dropped.applied()).isTrue();
        assertThat(dropped.summary()).contains("stop dialing 127.0.0.1:" + cPort);
        await().atMost(CONVERGE).until(() -> upLinks(a).equals(List.of("b")) && "b".equals(nextHop(a, "c")));
        roundTrip(stream);
        assertThat(status(a).configGeneration()).isEqualTo(5);
        assertThat(b.configGeneration()).isEqualTo(1);
    }

    @Test
    void shouldChangeLogLevelsOnReloadAndRefuseAFlowLogChange() throws Exception {
        String listen = "listen: [{host: 127.0.0.1, port: " + freePort() + "}]\n";
        Path file = write("solo", listen);
        RouterDaemon solo = start(file);
        Logger tcpLog = (Logger) LoggerFactory.getLogger("vanrouter.adaptor.tcp");
        Level before = tcpLog.getLevel();

        ReloadOutcome louder = reload(solo, file, listen + "logging: {levels: {vanrouter.adaptor.tcp: debug}}\n");
        assertThat(louder.applied()).as(louder.summary()).isTrue();
        assertThat(louder.summary()).contains("logging");
        assertThat(tcpLog.getLevel()).isEqualTo(Level.DEBUG);

        ReloadOutcome quieter = reload(solo, file, listen);
        assertThat(quieter.applied()).isTrue();
        assertThat(tcpLog.getLevel()).isEqualTo(before);

        ReloadOutcome flowLog = reload(solo, file, listen + "flowLog: {log: true}\n");
        assertThat(flowLog.applied()).isFalse();
        assertThat(flowLog.summary()).contains("flowLog changed").contains("restart");
    }

    @Test
    void shouldStartRestartAndStopTheMqttListenerOnReload() throws Exception {
        String listen = "listen: [{host: 127.0.0.1, port: " + freePort() + "}]\n";
        int first = freePort();
        int second = otherFreePort(first);
        Path file = write("mqtt", listen);
        RouterDaemon router = start(file);

        ReloadOutcome started = reload(router, file, listen + "mqtt: {listen: {host: 127.0.0.1, port: " + first
                + "}}\n");
        assertThat(started.summary()).contains("start the mqtt listener");
        assertThat(router.mqttAddress().getPort()).isEqualTo(first);
        new Socket(InetAddress.getLoopbackAddress(), first).close();

        ReloadOutcome moved = reload(router, file, listen + "mqtt: {listen: {host: 127.0.0.1, port: " + second
                + "}}\n");
        assertThat(moved.summary()).contains("restart the mqtt listener");
        new Socket(InetAddress.getLoopbackAddress(), second).close();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), first).close())
                .isInstanceOf(ConnectException.class);

        ReloadOutcome stopped = reload(router, file, listen);
        assertThat(stopped.summary()).contains("stop the mqtt listener");
        assertThat(router.mqttAddress()).isNull();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), second).close())
                .isInstanceOf(ConnectException.class);
    }

    private static ReloadOutcome reload(RouterDaemon router, Path file, String body) throws IOException {
        String head = Files.readString(file).lines().limit(4).reduce("", (x, y) -> x + y + "\n");
        Files.writeString(file, head + body);
        return router.reload();
    }
}
