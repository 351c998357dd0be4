package io.vanrouter.transport.adaptor.tcp;

import io.netty.handler.ssl.NotSslRecordException;
import io.vanrouter.transport.netty.Errors;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Operator's words for a failed TLS handshake of a TCP listener (with a client) or connector (with a server), each
 * with what to change. Pure functions; any thread.
 */
final class TcpTlsFailures {
    private TcpTlsFailures() {
    }

    /** Whether the other side just went away during the handshake (no fault to report above DEBUG). */
    static boolean isClosed(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    /** At a listener: why the client was refused. */
    static String client(Throwable error) {
        String known = common(error, "client", "connect with TLS, or remove tls from this listener");
        if (known != null) {
            return known;
        }
        String words = words(error);
        if (words.contains("unable to find valid certification path") || words.contains("path building failed")) {
            return "the client's certificate is not issued by the CA in tls.clientCa";
        }
        if (words.contains("empty client certificate chain") || words.contains("certificate_required")
                || words.contains("peer not authenticated")) {
            return "the client sent no certificate, and tls.clientCa requires one";
        }
        if (words.contains("certificate_unknown") || words.contains("bad_certificate") || words.contains("unknown_ca")) {
            return "the client refused this listener's certificate (" + Errors.describe(error)
                    + "): give the client the CA of tls.cert, or use a certificate it trusts";
        }
        return Errors.describe(error);
    }

    /** At a connector: why the server could not be used. */
    static String server(Throwable error, String serverName) {
        String known = common(error, "server", "point the connector at the server's TLS port, or remove its tls");
        if (known != null) {
            return known;
        }
        String words = words(error);
        if (words.contains("no subject alternative") || words.contains("no name matching")) {
            return "the server's certificate does not name '" + serverName + "' (" + Errors.describe(error)
                    + "): set tls.serverName to a name it holds, or give the server a certificate for this name";
        }
        if (words.contains("unable to find valid certification path") || words.contains("path building failed")) {
            return "the server's certificate does not chain to a trusted CA (tls.ca, or the default trust store when "
                    + "unset): set tls.ca to the CA that issued it";
        }
        if (words.contains("certificate_required") || words.contains("handshake_failure")) {
            return "the server refused the handshake (" + Errors.describe(error) + "): does it require a client "
                    + "certificate (tls.cert and tls.key)?";
        }
        if (words.contains("certificate_unknown") || words.contains("bad_certificate") || words.contains("unknown_ca")) {
            return "the server refused this router's client certificate (" + Errors.describe(error)
                    + "): is it issued by a CA the server trusts?";
        }
        return Errors.describe(error);
    }

    private static String common(Throwable error, String who, String plainRemedy) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotSslRecordException) {
                return "the " + who + " does not speak TLS (plain TCP): " + plainRemedy;
            }
            if (cause instanceof CertificateExpiredException) {
                return "the " + who + "'s certificate has expired (" + cause.getMessage() + "): it needs a new one";
            }
            if (cause instanceof CertificateNotYetValidException) {
                return "the " + who + "'s certificate is not valid yet (" + cause.getMessage() + "): check the clocks";
            }
            if (cause instanceof ClosedChannelException) {
                return "the " + who + " closed the connection during the TLS handshake";
            }
        }
        return null;
    }

    private static String words(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            all.append(' ').append(cause.getMessage());
        }
        return all.toString().toLowerCase(Locale.ROOT);
    }
}
