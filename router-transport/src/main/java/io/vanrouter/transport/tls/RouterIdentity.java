package io.vanrouter.transport.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The router id in a router certificate: one URI subject alternative name {@code vanrouter://router/ID}, with ID
 * percent-encoded as UTF-8 (RFC 3986: everything but letters, digits and {@code -._~}), since a URI SAN is ASCII and
 * a router id may be any non-blank UTF-8 text. The subject CN holds the id too, but only for people: peers must
 * compare the SAN ({@link #routerIdOf}). Any thread.
 */
public final class RouterIdentity {
    public static final String URI_PREFIX = "vanrouter://router/";
    /** {@link X509Certificate#getSubjectAlternativeNames()} type of a uniformResourceIdentifier. */
    private static final int SAN_URI = 6;
    private static final String HEX = "0123456789ABCDEF";

    private RouterIdentity() {
    }

    /** The SAN URI naming {@code routerId}, e.g. {@code vanrouter://router/site-a}. */
    public static String uriOf(String routerId) {
        StringBuilder sb = new StringBuilder(URI_PREFIX);
        for (byte b : routerId.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
            }
        }
        return sb.toString();
    }

    /**
     * The router id a certificate names: the one {@code vanrouter://router/} URI SAN, decoded.
     *
     * @return empty when the certificate has no such SAN, more than one, or one that does not decode
     */
    public static Optional<String> routerIdOf(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        String found = null;
        for (List<?> name : names) {
            if (name.size() == 2 && Integer.valueOf(SAN_URI).equals(name.get(0)) && name.get(1) instanceof String uri
                    && uri.startsWith(URI_PREFIX)) {
                if (found != null) {
                    return Optional.empty(); // two identities: trust neither
                }
                found = uri;
            }
        }
        return found == null ? Optional.empty() : decode(found.substring(URI_PREFIX.length()));
    }

    private static Optional<String> decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? HEX.indexOf(Character.toUpperCase(encoded.charAt(i + 1))) : -1;
                int lo = hi < 0 ? -1 : HEX.indexOf(Character.toUpperCase(encoded.charAt(i + 2)));
                if (lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7F) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        String id = bytes.toString(StandardCharsets.UTF_8);
        return id.isEmpty() || !Arrays.equals(id.getBytes(StandardCharsets.UTF_8), bytes.toByteArray())
                ? Optional.empty() : Optional.of(id);
    }
}
