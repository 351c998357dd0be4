package io.vanrouter.transport.adaptor.amqp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The SASL PLAIN initial response (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. Pure; any thread. */
final class SaslPlain {

    record Credentials(String user, byte[] password) {
    }

    private SaslPlain() {
    }

    /** The user and password of {@code response}, or null when it is not a PLAIN response. */
    static Credentials parse(byte[] response) {
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (second < 0 || second == first + 1) {
            return null; // no separators, or an empty user name
        }
        String user = new String(response, first + 1, second - first - 1, StandardCharsets.UTF_8);
        return new Credentials(user, Arrays.copyOfRange(response, second + 1, response.length));
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
