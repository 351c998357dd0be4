package io.vanrouter.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** TCP servers (plain, or on a TLS server socket) for the adaptor tests: a thread per connection. */
final class Servers {
    private Servers() {
    }

    /**
     * Sends {@code payload} on {@code socket} and half-closes it, while reading everything that comes back until the
     * far end closes: an echo round trip. The write runs on its own thread, so neither side waits for the other's
     * buffers; it must finish within {@code writeSeconds} once the read has.
     */
    static byte[] roundTrip(Socket socket, byte[] payload, long writeSeconds) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                socket.getOutputStream().write(payload);
                socket.shutdownOutput(); // our FIN ends only our direction; the echo keeps flowing back
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] back = socket.getInputStream().readAllBytes();
        writer.get(writeSeconds, TimeUnit.SECONDS);
        return back;
    }

    /** Answers each connection with one line naming itself, then echoes until the client half-closes. */
    static ServerSocket greeting(String name) throws IOException {
        return start(name, (in, out) -> {
            try {
                out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                in.transferTo(out);
            } catch (IOException e) {
                // client went away
            }
        });
    }

    /** Echoes every byte; closes its side once the client half-closes and everything is written back. */
    static ServerSocket echo() throws IOException {
        return echo(new ServerSocket(0, 1_024, InetAddress.getLoopbackAddress()));
    }

    /** As {@link #echo()}, on a server socket the caller bound (a TLS one: its close sends close_notify). */
    static ServerSocket echo(ServerSocket bound) {
        return start(bound, "echo", (in, out) -> {
            try {
                in.transferTo(out);
            } catch (IOException e) {
                // client went away
            }
        });
    }

    /** Writes {@code bytes} of a repeating pattern to every connection as fast as the connection takes them. */
    static ServerSocket source(long bytes) throws IOException {
        return start("source", (in, out) -> {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) i;
            }
            try {
                for (long left = bytes; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            } catch (IOException e) {
                // client went away
            }
        });
    }

    private static ServerSocket start(String name, BiConsumer<InputStream, OutputStream> handler) throws IOException {
        return start(new ServerSocket(0, 1_024, InetAddress.getLoopbackAddress()), name, handler);
    }

    private static ServerSocket start(ServerSocket server, String name, BiConsumer<InputStream, OutputStream> handler) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread worker = new Thread(() -> {
                        try (socket; InputStream in = socket.getInputStream();
                                OutputStream out = socket.getOutputStream()) {
                            handler.accept(in, out);
                        } catch (IOException e) {
                            // connection reset
                        }
                    }, name + "-conn");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }
}
