package io.vanrouter.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP/1.1 server (the JDK's) for one site: {@code /site} answers the site's name, {@code /sha256} the SHA-256
 * of the request body, {@code /random?seed=N} 100 MiB of seeded bytes as a chunked response.
 */
final class HttpSites implements AutoCloseable {
    private static final int BLOCK_BYTES = 64 << 10;
    private static final long RANDOM_BYTES = 100L << 20;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    HttpSites(String site) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(threads);
        server.createContext("/site", exchange -> reply(exchange, site.getBytes(StandardCharsets.UTF_8)));
        server.createContext("/sha256", exchange -> {
            String digest = sha256(exchange.getRequestBody());
            reply(exchange, (site + " " + digest).getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/random", exchange -> {
            long seed = Long.parseLong(exchange.getRequestURI().getQuery().replace("seed=", ""));
            exchange.sendResponseHeaders(200, 0); // 0: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                writeRandom(out, RANDOM_BYTES, seed);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void writeRandom(OutputStream out, long bytes, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[BLOCK_BYTES];
        for (long left = bytes; left > 0; left -= BLOCK_BYTES) {
            random.nextBytes(block);
            out.write(block, 0, (int) Math.min(BLOCK_BYTES, left));
        }
    }

    /** Writes {@code bytes} seeded bytes (the same as {@code /random?seed=}) to {@code file}. */
    static Path randomFile(Path file, long bytes, long seed) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeRandom(out, bytes, seed);
        }
        return file;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[BLOCK_BYTES];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
