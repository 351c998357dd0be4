package io.vanrouter.core.address;

import java.util.Objects;

/**
 * One advertised consumer entry: a plain address, or an MQTT topic filter with an optional shared-subscription group.
 * Immutable; any thread.
 *
 * <p>Limits: {@code name} is a non-empty string of at most {@link #NAME_BYTES_MAX} UTF-8 bytes; a group is at most
 * {@link #GROUP_BYTES_MAX} bytes and contains no {@code /}, {@code +} or {@code #}. A topic filter obeys the MQTT
 * rules: {@code +} and {@code #} occupy a whole level and {@code #} is the last level. The constructor throws
 * {@link IllegalArgumentException} on a violation; decoders of peer input call {@link #problem} first.
 *
 * @param kind  plain address or topic filter
 * @param name  the address, or the topic filter without any {@code $share/G/} prefix
 * @param group the shared-subscription group, or {@code null}; only for {@link AddressKind#TOPIC_FILTER}
 */
public record Address(AddressKind kind, String name, String group) {

    public static final int NAME_BYTES_MAX = 1024;
    public static final int GROUP_BYTES_MAX = 256;
    private static final String SHARE_PREFIX = "$share/";

    public Address {
        String problem = problem(kind, name, group);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** A plain address (exact match). */
    public static Address plain(String name) {
        return new Address(AddressKind.PLAIN, name, null);
    }

    /** A non-shared MQTT topic filter. */
    public static Address topicFilter(String filter) {
        return new Address(AddressKind.TOPIC_FILTER, filter, null);
    }

    /** A member of MQTT shared-subscription group {@code group} on {@code filter}. */
    public static Address sharedFilter(String group, String filter) {
        return new Address(AddressKind.TOPIC_FILTER, filter, Objects.requireNonNull(group, "group"));
    }

    /** Parses an MQTT SUBSCRIBE filter: {@code $share/G/F} gives group G and filter F, anything else a plain filter. */
    public static Address fromMqttSubscription(String subscription) {
        Objects.requireNonNull(subscription, "subscription");
        if (!subscription.startsWith(SHARE_PREFIX)) {
            return topicFilter(subscription);
        }
        int slash = subscription.indexOf('/', SHARE_PREFIX.length());
        if (slash < 0) {
            throw new IllegalArgumentException("shared subscription without a filter: " + subscription);
        }
        return sharedFilter(subscription.substring(SHARE_PREFIX.length(), slash), subscription.substring(slash + 1));
    }

    public boolean isShared() {
        return group != null;
    }

    /** Why these fields do not make a valid address, or {@code null} if they do. Never throws. */
    public static String problem(AddressKind kind, String name, String group) {
        if (kind == null || name == null) {
            return "kind and name are required";
        }
        if (name.isEmpty()) {
            return "empty address";
        }
        if (utf8Length(name) > NAME_BYTES_MAX) {
            return "address longer than " + NAME_BYTES_MAX + " UTF-8 bytes";
        }
        if (kind == AddressKind.PLAIN) {
            return group == null ? null : "a plain address has no group";
        }
        if (group != null) {
            if (group.isEmpty() || utf8Length(group) > GROUP_BYTES_MAX) {
                return "shared group name must have 1.." + GROUP_BYTES_MAX + " UTF-8 bytes";
            }
            if (group.indexOf('/') >= 0 || group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
                return "shared group name must not contain '/', '+' or '#'";
            }
        }
        return filterProblem(name);
    }

    /** Why {@code filter} is not a valid MQTT topic filter, or {@code null}. */
    static String filterProblem(String filter) {
        int start = 0;
        while (true) {
            int end = filter.indexOf('/', start);
            int segEnd = end < 0 ? filter.length() : end;
            for (int i = start; i < segEnd; i++) {
                char c = filter.charAt(i);
                if ((c == '+' || c == '#') && segEnd - start != 1) {
                    return "'" + c + "' must occupy a whole level: " + filter;
                }
                if (c == '#' && end >= 0) {
                    return "'#' must be the last level: " + filter;
                }
                if (c == '\0') {
                    return "NUL in topic filter";
                }
            }
            if (end < 0) {
                return null;
            }
            start = end + 1;
        }
    }

    /** Length of {@code s} in UTF-8 without allocating; an unpaired surrogate counts 3 bytes (conservative). */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Human form: {@code name}, {@code filter F} or {@code $share/G/F}. */
    @Override
    public String toString() {
        if (kind == AddressKind.PLAIN) {
            return name;
        }
        return group == null ? "filter " + name : SHARE_PREFIX + group + "/" + name;
    }
}
