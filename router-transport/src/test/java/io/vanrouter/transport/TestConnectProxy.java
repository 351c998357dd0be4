package io.vanrouter.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP CONNECT proxy for tests: Basic credentials (when given), or a fixed refusal status, then a blind
 * relay. Records every CONNECT target it tunnelled and every one it refused. One thread per direction per tunnel.
 */
final class TestConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String expectedAuthorization;
    private final String refusal;
    private final List<String> tunnels = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** @param refusal e.g. "403 Forbidden" to refuse every CONNECT with it; null to tunnel */
    TestConnectProxy(String user, String password, String refusal) throws IOException {
        this.expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.refusal = refusal;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "test-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** CONNECT targets tunnelled, e.g. "127.0.0.1:41234", in order. */
    List<String> tunnels() {
        return List.copyOf(tunnels);
    }

    /** CONNECT targets refused (wrong credentials or the fixed refusal). */
    List<String> refused() {
        return List.copyOf(refused);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread thread = new Thread(() -> serve(client), "test-proxy-client");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            String[] request = head.isEmpty() ? new String[0] : head.get(0).split(" ");
            if (request.length < 2 || !request[0].equals("CONNECT")) {
                answer(out, "405 Method Not Allowed", "");
                client.close();
                return;
            }
            String target = request[1];
            if (expectedAuthorization != null && head.stream()
                    .noneMatch(h -> h.equalsIgnoreCase("Proxy-Authorization: " + expectedAuthorization)
                            || h.equals("proxy-authorization: " + expectedAuthorization))) {
                refused.add(target);
                answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"test\"\r\n");
                client.close();
                return;
            }
            if (refusal != null) {
                refused.add(target);
                answer(out, refusal, "");
                client.close();
                return;
            }
            int colon = target.lastIndexOf(':');
            Socket upstream = new Socket();
            sockets.add(upstream);
            upstream.connect(new InetSocketAddress(target.substring(0, colon),
                    Integer.parseInt(target.substring(colon + 1))), 5_000);
            tunnels.add(target);
            answer(out, "200 Connection established", "");
            relay(upstream.getInputStream(), out, client);
            relay(in, upstream.getOutputStream(), upstream);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static void answer(OutputStream out, String status, String headers) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The request line and headers, up to the empty line; reads nothing past it. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII).stripTrailing();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return lines;
    }

    private static void relay(InputStream from, OutputStream to, Socket closeAtEnd) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // one side went away
            }
            closeQuietly(closeAtEnd);
        }, "test-proxy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(TestConnectProxy::closeQuietly);
    }
}
