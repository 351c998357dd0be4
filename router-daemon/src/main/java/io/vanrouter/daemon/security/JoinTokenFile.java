package io.vanrouter.daemon.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vanrouter.daemon.security.TokenException.Reason;
import io.vanrouter.transport.tls.RouterIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The text of a join token file: comment lines for people, then a JSON payload and the CA's ECDSA signature of its
 * exact bytes, each base64 between BEGIN/END lines. The comments are not signed; everything a router uses is.
 * <pre>
 * # vanrouter join token: router site-b of network acme, expires 2026-12-02T15:00:00Z ...
 * -----BEGIN VANROUTER JOIN TOKEN-----
 * eyJ2ZXJzaW9uIjoxLC...
 * -----END VANROUTER JOIN TOKEN-----
 * -----BEGIN VANROUTER JOIN TOKEN SIGNATURE-----
 * MEUCIQ...
 * -----END VANROUTER JOIN TOKEN SIGNATURE-----
 * </pre>
 * Any thread.
 */
public final class JoinTokenFile {
    public static final int VERSION = 1;
    /** Larger files are refused unread: a token is about 3 KiB. */
    public static final int FILE_BYTES_MAX = 64 * 1024;
    static final String PAYLOAD = "VANROUTER JOIN TOKEN";
    static final String SIGNATURE = "VANROUTER JOIN TOKEN SIGNATURE";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JoinTokenFile() {
    }

    /** The token's file text, signed by {@code ca}. */
    public static String write(JoinToken token, CertificateAuthority ca) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("version", VERSION);
        payload.put("network", token.network());
        payload.put("router", token.routerId());
        payload.put("peerHost", token.peerHost());
        payload.put("peerPort", token.peerPort());
        payload.put("cost", token.cost());
        payload.put("expires", token.expires().toString());
        payload.put("ca", Pem.certificate(token.caCertificate()));
        payload.put("cert", Pem.certificate(token.credentials().certificate()));
        payload.put("key", Pem.privateKey(token.credentials().key()));
        byte[] bytes;
        byte[] signature;
        try {
            bytes = JSON.writeValueAsBytes(payload);
            signature = KeyPairs.sign(ca.key(), bytes);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a join token", e);
        }
        return "# vanrouter join token: router " + token.routerId() + " of network " + token.network()
                + ", dials " + token.peer() + ", expires " + token.expires() + ".\n"
                + "# It holds the router's private key: send it only over a channel you trust, and delete it once\n"
                + "# redeemed with: vanrouter token redeem FILE --config SITE.yaml\n"
                + block(PAYLOAD, bytes) + block(SIGNATURE, signature);
    }

    /**
     * Reads and checks a token: well formed, signed by the CA it carries, and its parts belong together (the
     * certificate is that CA's, names the router, and matches the key). Expiry and fit are the caller's checks.
     *
     * @param name the file, for messages
     */
    public static JoinToken read(String text, String name) throws TokenException {
        byte[] bytes = decode(text, PAYLOAD, name);
        byte[] signature = decode(text, SIGNATURE, name);
        JsonNode payload;
        try {
            payload = JSON.readTree(bytes);
        } catch (IOException e) {
            throw malformed(name, "its payload is not JSON");
        }
        if (payload == null || payload.path("version").asInt() != VERSION) {
            throw malformed(name, "not a version " + VERSION + " token");
        }
        X509Certificate ca;
        Credentials credentials;
        try {
            ca = Pem.certificate(field(payload, "ca", name));
            credentials = new Credentials(Pem.certificate(field(payload, "cert", name)),
                    Pem.privateKey(field(payload, "key", name)));
        } catch (GeneralSecurityException e) {
            throw malformed(name, "a certificate or key in it does not decode");
        }
        if (!KeyPairs.verify(ca.getPublicKey(), bytes, signature)) {
            throw tampered(name, "its signature does not verify against the CA inside it");
        }
        JoinToken token;
        try {
            token = new JoinToken(field(payload, "network", name), field(payload, "router", name),
                    field(payload, "peerHost", name), payload.path("peerPort").asInt(),
                    payload.path("cost").asInt(), Instant.parse(field(payload, "expires", name)), ca, credentials);
        } catch (DateTimeParseException e) {
            throw malformed(name, "its expiry is not a time");
        }
        checkParts(token, name);
        return token;
    }

    /** A correctly signed token whose parts disagree was made by something other than {@code token create}. */
    private static void checkParts(JoinToken token, String name) throws TokenException {
        X509Certificate cert = token.credentials().certificate();
        if (!Optional.of(token.network()).equals(CertificateAuthority.networkOf(token.caCertificate()))) {
            throw tampered(name, "its network does not match its CA");
        }
        if (!Optional.of(token.routerId()).equals(RouterIdentity.routerIdOf(cert))) {
            throw tampered(name, "its certificate does not name router '" + token.routerId() + "'");
        }
        try {
            cert.verify(token.caCertificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            throw tampered(name, "its certificate was not issued by its CA");
        }
        PrivateKey key = token.credentials().key();
        if (!KeyPairs.matches(key, cert.getPublicKey())) {
            throw tampered(name, "its key does not match its certificate");
        }
        try {
            RouterFiles.checkRouterId(token.routerId()); // it names the files redeem writes
        } catch (CredentialException e) {
            throw tampered(name, "its " + e.getMessage());
        }
        if (token.peerPort() < 1 || token.peerPort() > 65_535 || token.cost() < 1) {
            throw tampered(name, "its peer port or cost is out of range");
        }
    }

    private static String field(JsonNode payload, String key, String name) throws TokenException {
        JsonNode node = payload.get(key);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw malformed(name, "it has no '" + key + "'");
        }
        return node.asText();
    }

    private static String block(String type, byte[] bytes) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(bytes)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] decode(String text, String type, String name) throws TokenException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (to < 0) {
            throw malformed(name, "no " + begin + " ... " + end + " block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to)
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw malformed(name, "its " + type.toLowerCase(Locale.ROOT) + " is not base64");
        }
    }

    private static TokenException malformed(String name, String why) {
        return new TokenException(Reason.MALFORMED, name + " is not a readable join token (" + why + "); ask for the"
                + " token file again, whole and unchanged (vanrouter token create writes it)");
    }

    private static TokenException tampered(String name, String why) {
        return new TokenException(Reason.TAMPERED, name + " has been altered: " + why + "; do not use it, and ask"
                + " the network's operator for a new token");
    }
}
