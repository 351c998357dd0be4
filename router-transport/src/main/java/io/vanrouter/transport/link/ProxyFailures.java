package io.vanrouter.transport.link;

import io.netty.handler.proxy.ProxyConnectException;
import io.vanrouter.transport.netty.Errors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator wording of a failed HTTP CONNECT: what the proxy said and what to do about it. Netty's
 * {@link ProxyConnectException} reads "http, basic, /127.0.0.1:3128 =&gt; peer:55671, status: 407 Proxy
 * Authentication Required"; the status, a timeout or a disconnect is kept and explained. Pure functions; any thread.
 */
final class ProxyFailures {
    private static final Pattern STATUS = Pattern.compile("status: (\\d{3})( [^,]*)?");

    private ProxyFailures() {
    }

    /** True when {@code error} is the proxy's failure (as opposed to the TCP connection to it failing). */
    static boolean isProxyFailure(Throwable error) {
        return error instanceof ProxyConnectException;
    }

    /**
     * E.g. "proxy refused: 407 Proxy Authentication Required (wrong or missing proxy credentials)". For an error that
     * is not the proxy's answer (connection refused, no route), "proxy unreachable: Connection refused".
     */
    static String describe(Throwable error) {
        if (!isProxyFailure(error)) {
            return "proxy unreachable: " + Errors.describe(error);
        }
        String message = error.getMessage() == null ? "" : error.getMessage();
        Matcher status = STATUS.matcher(message);
        if (status.find()) {
            return describeStatus(Integer.parseInt(status.group(1)),
                    status.group(2) == null ? "" : status.group(2).strip());
        }
        if (message.endsWith("timeout")) {
            return "proxy did not answer CONNECT within " + ProxyRoute.CONNECT_ANSWER_TIMEOUT_MILLIS + " ms";
        }
        if (message.endsWith("disconnected")) {
            return "proxy closed the connection before answering CONNECT";
        }
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        return "proxy failed: " + Errors.describe(cause);
    }

    /** The proxy's answer to CONNECT, with advice for the common refusals. */
    static String describeStatus(int code, String reason) {
        String answer = reason.isEmpty() ? Integer.toString(code) : code + " " + reason;
        return switch (code) {
            // 401 is what some proxies (tinyproxy) answer a CONNECT with wrong credentials.
            case 401, 407 -> "proxy refused: " + answer + " (wrong or missing proxy credentials)";
            case 403 -> "proxy answered " + answer + " (the proxy does not allow CONNECT to this host and port;"
                    + " ask for it to be allowed, e.g. tinyproxy ConnectPort, squid SSL_ports)";
            case 400, 405, 501 -> "proxy answered " + answer + " (the proxy does not support CONNECT)";
            case 500, 502, 503 -> "proxy answered " + answer + " (the proxy could not reach the peer: check the"
                    + " peer's host and port, and that the proxy can resolve and reach it)";
            case 504 -> "proxy answered " + answer + " (the proxy timed out reaching the peer)";
            default -> "proxy answered " + answer;
        };
    }
}
