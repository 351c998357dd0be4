package io.vanrouter.transport.adaptor.amqp;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressKind;
import io.vanrouter.core.address.AddressRule;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.Distribution;

/**
 * How an AMQP link's address becomes a VAN address of the message plane (docs/adaptors.md, "AMQP"). The address is
 * an MQTT topic: what an AMQP sender sends to {@code a/b} reaches MQTT subscribers of {@code a/b} and the other way
 * round. A receiver joins as a plain subscriber of the topic when the {@code addresses:} rule says multicast, else
 * as a member of the shared group {@link #GROUP} ({@code $share/amqp/a/b} in MQTT terms), so that each message goes
 * to one receiver. Without a rule AMQP receivers are balanced (queue semantics, as skupper-router), while MQTT
 * subscribers stay multicast. Pure; any thread.
 */
final class AmqpAddresses {
    /** The shared group AMQP receivers of an anycast address form; MQTT clients join it as {@code $share/amqp/T}. */
    static final String GROUP = "amqp";

    private AmqpAddresses() {
    }

    /** The distribution for AMQP receivers of {@code address}: the first matching rule, else balanced. */
    static Distribution distribution(String address, AddressRules rules) {
        return rules.firstMatch(address).map(AddressRule::distribution).orElse(Distribution.BALANCED);
    }

    /** What a receiver on {@code address} consumes; throws IllegalArgumentException for a bad address. */
    static Address forReceiver(String address, AddressRules rules) {
        requireValid(address, true);
        return distribution(address, rules) == Distribution.MULTICAST
                ? Address.topicFilter(address)
                : Address.sharedFilter(GROUP, address);
    }

    /** Checks a sender's address: a topic name, no wildcards. */
    static void forSender(String address) {
        requireValid(address, false);
    }

    private static void requireValid(String address, boolean wildcards) {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("no address (dynamic and anonymous links are not supported)");
        }
        if (!wildcards && (address.contains("+") || address.contains("#"))) {
            throw new IllegalArgumentException("a sender's address may not contain MQTT wildcards + or #");
        }
        String problem = Address.problem(AddressKind.TOPIC_FILTER, address, null);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Whether MQTT topic filter {@code filter} matches topic {@code topic} (+ one level, # the rest). */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
