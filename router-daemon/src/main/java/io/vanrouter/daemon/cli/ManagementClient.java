package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.mgmt.BearerToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Fetches from a router's management endpoint with the JDK HTTP client. One request per instance use; any thread. */
final class ManagementClient {
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** A reload binds ports and reads files: more than a status read. */
    static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

    /** The endpoint did not answer, or answered with something other than 200. */
    static final class UnreachableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message) {
            super(message);
        }
    }

    private final String host;
    private final int port;
    private final BearerToken token; // null: none sent

    ManagementClient(String host, int port) {
        this(host, port, null);
    }

    private ManagementClient(String host, int port, BearerToken token) {
        this.host = host;
        this.port = port;
        this.token = token;
    }

    /** This client sending {@code token} with every request. */
    ManagementClient withToken(BearerToken token) {
        return new ManagementClient(host, port, token);
    }

    /** {@code host:port}, bracketing IPv6 literals. */
    String display() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** GETs {@code path} and returns the body of a 200 answer. */
    String get(String path) throws UnreachableException, InterruptedException {
        return get(path, null);
    }

    /** GETs {@code path?rawQuery} (an encoded query, or null) and returns the body of a 200 answer. */
    String get(String path, String rawQuery) throws UnreachableException, InterruptedException {
        HttpResponse<String> response = send(path, rawQuery, false);
        if (response.statusCode() != 200) {
            throw new UnreachableException("vanrouter management at " + display() + " answered HTTP "
                    + response.statusCode() + ": " + response.body().strip());
        }
        return response.body();
    }

    /** POSTs to {@code path} (no body) and returns the answer, whatever its status. */
    HttpResponse<String> post(String path) throws UnreachableException, InterruptedException {
        return send(path, null, true);
    }

    private HttpResponse<String> send(String path, String rawQuery, boolean post)
            throws UnreachableException, InterruptedException {
        URI uri;
        try {
            uri = new URI("http", null, host, port, path, null, null);
            if (rawQuery != null) {
                uri = URI.create(uri + "?" + rawQuery);
            }
        } catch (URISyntaxException e) {
            throw new UnreachableException("invalid management address " + display() + ": " + e.getMessage());
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(post ? RELOAD_TIMEOUT : TIMEOUT);
        builder = post ? builder.POST(HttpRequest.BodyPublishers.noBody()) : builder.GET();
        if (token != null) {
            builder.header("Authorization", token.header());
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnreachableException("cannot reach vanrouter management at " + display() + ": " + reason(e));
        }
        return response;
    }

    /** A short reason: the JDK client often wraps "Connection refused" in exceptions without a message. */
    private static String reason(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        boolean connect = false;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
            connect |= t instanceof ConnectException;
        }
        return connect ? "Connection refused" : e.getClass().getSimpleName();
    }
}
