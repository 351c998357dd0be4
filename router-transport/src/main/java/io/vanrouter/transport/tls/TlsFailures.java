package io.vanrouter.transport.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.vanrouter.transport.netty.Errors;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Operator's words for a failed TLS handshake on an inter-router connection. Pure functions; any thread. */
public final class TlsFailures {
    private TlsFailures() {
    }

    /** Whether {@code error} is a TLS failure (then the TLS handshake event has already been logged). */
    public static boolean isTls(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the peer sent plain bytes, not TLS: it may be a router without TLS, which can read a plain REFUSE. */
    public static boolean isPlainPeer(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    /** E.g. "the peer's certificate expired (NotAfter: ...)"; the cause's own words when none of these fits. */
    public static String describe(Throwable error) {
        String all = "";
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotSslRecordException) {
                return "the peer does not speak TLS (plain TCP): set the same tls section on both routers";
            }
            if (cause instanceof CertificateExpiredException) {
                return "the peer's certificate has expired (" + cause.getMessage() + "): issue a new one";
            }
            if (cause instanceof CertificateNotYetValidException) {
                return "the peer's certificate is not valid yet (" + cause.getMessage() + "): check the clocks";
            }
            all += " " + cause.getMessage();
        }
        String words = all.toLowerCase(Locale.ROOT);
        if (words.contains("unable to find valid certification path") || words.contains("path building failed")
                || words.contains("no trusted certificate")) {
            return "the peer's certificate is not issued by a CA in this router's CA bundle (another network?)";
        }
        if (words.contains("certificate_unknown") || words.contains("bad_certificate")
                || words.contains("certificate unknown") || words.contains("bad certificate")
                || words.contains("certificate_expired") || words.contains("unknown_ca")
                || words.contains("internal_error")) { // OpenSSL's alert when its certificate check refuses
            return "the peer refused this router's certificate (" + Errors.describe(error)
                    + "): is it issued by the peer's network CA, and still valid?";
        }
        if (words.contains("certificate_required") || words.contains("certificate required")) {
            return "the peer requires a client certificate and this router sent none";
        }
        return Errors.describe(error);
    }
}
