package io.vanrouter.transport.adaptor.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A blocking JDK server running {@link Script} on its own thread per accepted connection. */
final class ScriptedServer implements AutoCloseable {
    interface Script {
        void run(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "scripted-server");
        thread.setDaemon(true);
        return thread;
    });

    ScriptedServer(Script script) throws IOException {
        this(plain(), script);
    }

    /** Runs {@code script} on the connections {@code bound} accepts (e.g. a TLS server socket). */
    ScriptedServer(ServerSocket bound, Script script) {
        server = bound;
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    threads.execute(() -> {
                        try (socket) {
                            socket.setSoTimeout(60_000);
                            script.run(socket);
                        } catch (Exception e) {
                            // the test asserts what the script recorded
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static ServerSocket plain() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        return socket;
    }

    int port() {
        return server.getLocalPort();
    }

    /** A port with nothing listening (bound, then closed). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
