package io.vanrouter.daemon.mgmt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management endpoint: plain HTTP on a loopback address (by default), served by the JDK HTTP server on
 * {@value #THREADS} daemon threads of its own, or on threads shared by the routers of one JVM.
 * <ul>
 * <li>{@code GET /status}: the {@link StatusReport} as JSON; 503 when it is not ready within the status timeout</li>
 * <li>{@code GET /healthz}: 200 {@code ok}</li>
 * <li>{@code GET /readyz}: 200 or 503 with a {@link Readiness} as JSON (the supplier given to {@link #readiness});
 * 200 without one</li>
 * <li>{@code GET /metrics}: Prometheus text format, when a writer was given to {@link #metrics}; else 404</li>
 * <li>{@code GET /process}: {@link ProcessResources} as JSON (heap, direct memory, fds, threads, RSS)</li>
 * <li>{@code POST /process/gc}: a full GC, then {@code /process}; only when the JVM runs with
 * {@code -Dvanrouter.management.gc=true} (tests and soaks compare heap after GC), else 404</li>
 * <li>routes added with {@link #serve}: {@code /topology}, {@code /trace}, {@code /ui} (io.vanrouter.daemon.OpsRoutes)</li>
 * <li>another path: 404; another method: 405</li>
 * </ul>
 * With a {@link BearerToken}, every request but {@code /healthz} and {@code /readyz} must carry it ({@code Authorization: Bearer ...});
 * without it the answer is 401. A configuration on a non-loopback address must name one (docs/security.md).
 * The status supplier is called on a management thread and must not block: it should submit a query to the core and
 * return its future. Constructed, started and closed from any thread.
 */
public final class ManagementServer implements AutoCloseable {
    public static final Duration STATUS_TIMEOUT_DEFAULT = Duration.ofSeconds(2);
    static final int THREADS = 2;
    /** The system property that enables {@code POST /process/gc}; off in production, where a GC is not ours to ask. */
    public static final String GC_PROPERTY = "vanrouter.management.gc";
    private static final int BACKLOG = 16;
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.mgmt");

    private final Supplier<CompletableFuture<StatusReport>> status;
    private final BearerToken token; // null: none asked (loopback only)
    private volatile Supplier<ReloadOutcome> reload;
    private final Duration statusTimeout;
    private final ExecutorService executor;
    private final boolean ownExecutor;
    private final HttpServer server;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Supplier<Readiness> readiness = () -> Readiness.ready(Map.of());
    private volatile String metricsContentType;
    private volatile BodyWriter metrics; // null: no /metrics

    /** Writes a response body; called on a management thread. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving; status waits at most 2 s. */
    public ManagementServer(String host, int port, Supplier<CompletableFuture<StatusReport>> status)
            throws IOException {
        this(host, port, status, STATUS_TIMEOUT_DEFAULT, null);
    }

    /**
     * Binds {@code host:port} and starts serving.
     *
     * @throws IOException with the address in its message when it cannot be bound (e.g. port in use)
     */
    public ManagementServer(String host, int port, Supplier<CompletableFuture<StatusReport>> status,
            Duration statusTimeout) throws IOException {
        this(host, port, status, statusTimeout, null);
    }

    /**
     * Binds {@code host:port} and starts serving; with {@code token} (may be null) every request but
     * {@code /healthz} must carry it.
     */
    public ManagementServer(String host, int port, Supplier<CompletableFuture<StatusReport>> status,
            Duration statusTimeout, BearerToken token) throws IOException {
        this(host, port, status, statusTimeout, token, null);
    }

    /**
     * As above, serving requests on {@code sharedExecutor} (the routers of one JVM share one; {@link #close} leaves
     * it running), or on {@value #THREADS} threads of its own when it is null.
     */
    public ManagementServer(String host, int port, Supplier<CompletableFuture<StatusReport>> status,
            Duration statusTimeout, BearerToken token, ExecutorService sharedExecutor) throws IOException {
        this.status = Objects.requireNonNull(status, "status");
        this.token = token;
        this.statusTimeout = Objects.requireNonNull(statusTimeout, "statusTimeout");
        InetSocketAddress bindTo = new InetSocketAddress(host, port);
        try {
            this.server = HttpServer.create(bindTo, BACKLOG);
        } catch (BindException e) {
            BindException described = new BindException("cannot bind management endpoint to " + host + ":" + port
                    + ": " + e.getMessage());
            described.initCause(e);
            throw described;
        } catch (IOException e) {
            throw new IOException("cannot start management endpoint on " + host + ":" + port + ": " + e, e);
        }
        this.ownExecutor = sharedExecutor == null;
        this.executor = ownExecutor ? Executors.newFixedThreadPool(THREADS, threadFactory()) : sharedExecutor;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("management endpoint on http://{}:{}/status{}", address().getHostString(), address().getPort(),
                token == null ? "" : " (bearer token required)");
    }

    /** Serves {@code POST /reload} with {@code reload} (a configuration reload; 200 applied, 422 rejected). */
    public void reloads(Supplier<ReloadOutcome> reload) {
        this.reload = reload;
    }

    /** What {@code GET /readyz} answers; called on a management thread, must not block. Any thread. */
    public ManagementServer readiness(Supplier<Readiness> check) {
        this.readiness = Objects.requireNonNull(check, "check");
        return this;
    }

    /** Serves {@code GET /metrics} (same token rule as {@code /status}) with {@code writer}. Any thread. */
    public ManagementServer metrics(String contentType, BodyWriter writer) {
        this.metricsContentType = Objects.requireNonNull(contentType, "contentType");
        this.metrics = Objects.requireNonNull(writer, "writer");
        return this;
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Also serves {@code GET path} (that path exactly) with what {@code body} makes of the query parameters
     * ({@link ExtraRoute}): behind the bearer token like {@code /status}, unless {@code open} (a static page that
     * holds no data). Any thread; call before clients need the route.
     */
    public void serve(String path, String contentType, boolean open, Function<Map<String, String>, String> body) {
        server.createContext(path, new ExtraRoute(path, contentType, open ? null : token, body));
    }

    /** Stops serving at once and releases the port. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            if (ownExecutor) {
                executor.shutdownNow();
            }
            LOG.debug("management endpoint closed");
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = methodOf(path);
            if (method == null) {
                respond(exchange, 404, "application/json", error("no such resource: " + path));
            } else if (!method.equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", method);
                respond(exchange, 405, "application/json", error("method not allowed: "
                        + exchange.getRequestMethod()));
            } else if ("/healthz".equals(path)) {
                respond(exchange, 200, "text/plain; charset=utf-8", "ok\n");
            } else if ("/readyz".equals(path)) {
                serveReadiness(exchange);
            } else if (token != null && !token.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
                LOG.warn("management request {} {} from {} refused: {} bearer token", exchange.getRequestMethod(),
                        path, exchange.getRemoteAddress(), exchange.getRequestHeaders().containsKey("Authorization")
                                ? "wrong" : "no");
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                respond(exchange, 401, "application/json", error("a bearer token is required (Authorization: Bearer"
                        + " ...; vanrouter status --token-file FILE)"));
            } else if ("/reload".equals(path)) {
                serveReload(exchange);
            } else if ("/metrics".equals(path)) {
                serveMetrics(exchange);
            } else if ("/process".equals(path)) {
                respond(exchange, 200, "application/json", StatusJson.write(ProcessResources.sample()));
            } else if ("/process/gc".equals(path)) {
                System.gc(); // a full, synchronous collection with the serial and G1 collectors
                respond(exchange, 200, "application/json", StatusJson.write(ProcessResources.sample()));
            } else {
                serveStatus(exchange);
            }
        } catch (IOException e) {
            LOG.debug("management request failed: {}", e.toString());
        }
    }

    /** The method a resource answers, or null when there is no such resource. */
    private static String methodOf(String path) {
        return switch (path) {
            case "/status", "/healthz", "/readyz", "/metrics", "/process" -> "GET";
            case "/process/gc" -> Boolean.getBoolean(GC_PROPERTY) ? "POST" : null;
            case "/reload" -> "POST";
            default -> null;
        };
    }

    private void serveStatus(HttpExchange exchange) throws IOException {
        StatusReport report;
        try {
            report = status.get().get(statusTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("status not ready within {} ms; is the router core stuck?", statusTimeout.toMillis());
            respond(exchange, 503, "application/json", error("status not available within "
                    + statusTimeout.toMillis() + " ms"));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "application/json", error("shutting down"));
            return;
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.warn("status failed: {}", cause.toString(), cause);
            respond(exchange, 500, "application/json", error("status failed: " + cause));
            return;
        }
        respond(exchange, 200, "application/json", StatusJson.write(report));
    }

    private void serveReload(HttpExchange exchange) throws IOException {
        Supplier<ReloadOutcome> handler = reload;
        if (handler == null) {
            respond(exchange, 404, "application/json", error("this router cannot reload its configuration"));
            return;
        }
        LOG.info("configuration reload requested by {}", exchange.getRemoteAddress());
        ReloadOutcome outcome = handler.get();
        respond(exchange, outcome.applied() ? 200 : 422, "application/json", StatusJson.write(outcome));
    }

    private void serveReadiness(HttpExchange exchange) throws IOException {
        Readiness answer;
        try {
            answer = readiness.get();
        } catch (RuntimeException e) {
            LOG.warn("readiness check failed: {}", e.toString(), e);
            answer = Readiness.notReady("readiness check failed: " + e, Map.of());
        }
        respond(exchange, answer.ready() ? 200 : 503, "application/json", StatusJson.write(answer));
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        BodyWriter writer = metrics;
        if (writer == null) {
            respond(exchange, 404, "application/json", error("no metrics on this endpoint"));
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 << 10);
        try {
            writer.write(body);
        } catch (IOException | RuntimeException e) {
            LOG.warn("metrics failed: {}", e.toString(), e);
            respond(exchange, 500, "application/json", error("metrics failed: " + e));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", metricsContentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.size());
        try (OutputStream out = exchange.getResponseBody()) {
            body.writeTo(out);
        }
    }

    static String error(String message) {
        return StatusJson.write(Map.of("error", message));
    }

    static void respond(HttpExchange exchange, int code, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ThreadFactory threadFactory() {
        AtomicInteger next = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "vanrouter-mgmt-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
