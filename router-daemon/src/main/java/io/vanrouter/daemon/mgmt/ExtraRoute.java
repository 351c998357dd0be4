package io.vanrouter.daemon.mgmt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET} resource of the management endpoint beside {@code /status}: {@code /topology}, {@code /trace},
 * {@code /ui}. The body function gets the decoded query parameters; an {@link IllegalArgumentException} it throws is
 * answered 400 with its message. Runs on a management thread; the function must not block.
 */
final class ExtraRoute implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.mgmt");

    private final String path;
    private final String contentType;
    private final BearerToken token; // null: open
    private final Function<Map<String, String>, String> body;

    ExtraRoute(String path, String contentType, BearerToken token, Function<Map<String, String>, String> body) {
        this.path = path;
        this.contentType = contentType;
        this.token = token;
        this.body = body;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requested = exchange.getRequestURI().getPath();
            if (!path.equals(requested)) { // the JDK server matches contexts by prefix
                ManagementServer.respond(exchange, 404, "application/json",
                        ManagementServer.error("no such resource: " + requested));
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                ManagementServer.respond(exchange, 405, "application/json",
                        ManagementServer.error("method not allowed: " + exchange.getRequestMethod()));
            } else if (token != null && !token.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
                LOG.warn("management request GET {} from {} refused: {} bearer token", path,
                        exchange.getRemoteAddress(), exchange.getRequestHeaders().containsKey("Authorization")
                                ? "wrong" : "no");
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                ManagementServer.respond(exchange, 401, "application/json",
                        ManagementServer.error("a bearer token is required (Authorization: Bearer ...)"));
            } else {
                answer(exchange);
            }
        } catch (IOException e) {
            LOG.debug("management request failed: {}", e.toString());
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String text;
        try {
            text = body.apply(query(exchange.getRequestURI().getRawQuery()));
        } catch (IllegalArgumentException e) {
            ManagementServer.respond(exchange, 400, "application/json", ManagementServer.error(e.getMessage()));
            return;
        } catch (RuntimeException e) {
            LOG.warn("GET {} failed: {}", path, e.toString(), e);
            ManagementServer.respond(exchange, 500, "application/json",
                    ManagementServer.error(path + " failed: " + e));
            return;
        }
        ManagementServer.respond(exchange, 200, contentType, text);
    }

    /** {@code a=1&b=x%20y} decoded; the last of repeated names wins. */
    static Map<String, String> query(String raw) {
        Map<String, String> params = new TreeMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value,
                    StandardCharsets.UTF_8));
        }
        return params;
    }
}
