package io.vanrouter.core.address;

import java.util.List;
import java.util.Optional;

/**
 * The ordered distribution rules of one router; the first matching rule wins. Without a match, a plain address is
 * {@link Distribution#BALANCED} and the non-shared subscribers of a published MQTT topic are
 * {@link Distribution#MULTICAST}. A shared-subscription group is always anycast: {@link Distribution#CLOSEST} if the
 * topic's rule says so, else {@link Distribution#BALANCED}. Immutable; any thread.
 */
public final class AddressRules {

    private static final AddressRules NONE = new AddressRules(List.of());

    private final List<AddressRule> rules;

    private AddressRules(List<AddressRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static AddressRules of(List<AddressRule> rules) {
        return new AddressRules(rules);
    }

    public static AddressRules none() {
        return NONE;
    }

    public List<AddressRule> rules() {
        return rules;
    }

    /** The first rule matching {@code address}, if any. */
    public Optional<AddressRule> firstMatch(String address) {
        for (AddressRule rule : rules) {
            if (rule.matches(address)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** Distribution of a plain address (TCP service): the matching rule, else BALANCED. */
    public Distribution forAddress(String address) {
        return ruleOr(address, Distribution.BALANCED);
    }

    /** Distribution among the non-shared subscribers of published topic {@code topic}: the rule, else MULTICAST. */
    public Distribution forTopic(String topic) {
        return ruleOr(topic, Distribution.MULTICAST);
    }

    /** Distribution inside one shared group for {@code topic}: CLOSEST if the rule says so, else BALANCED. */
    public Distribution forSharedGroup(String topic) {
        return ruleOr(topic, Distribution.BALANCED) == Distribution.CLOSEST ? Distribution.CLOSEST
                : Distribution.BALANCED;
    }

    private Distribution ruleOr(String address, Distribution otherwise) {
        for (AddressRule rule : rules) {
            if (rule.matches(address)) {
                return rule.distribution();
            }
        }
        return otherwise;
    }

    @Override
    public String toString() {
        return "AddressRules" + rules;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRules other && rules.equals(other.rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }
}
