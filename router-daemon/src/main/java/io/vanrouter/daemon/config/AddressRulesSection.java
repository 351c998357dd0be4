package io.vanrouter.daemon.config;

import io.vanrouter.core.address.AddressRule;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.Distribution;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code addresses:} list: distribution rules by prefix or pattern, first match wins (see docs/addresses.md).
 * <pre>
 * addresses:
 *   - prefix: telemetry/
 *     distribution: multicast
 *   - pattern: "orders/*&#47;eu"
 *     distribution: closest
 * </pre>
 */
final class AddressRulesSection {
    static final List<String> KEYS = List.of("prefix", "pattern", "distribution");
    static final int RULES_MAX = 10_000;

    private AddressRulesSection() {
    }

    static AddressRules validate(Section top, Problems problems) {
        List<YamlNode> items = top.list("addresses");
        if (items == null) {
            return AddressRules.none();
        }
        if (items.size() > RULES_MAX) {
            top.problem("addresses", "at most " + RULES_MAX + " rules, got " + items.size());
        }
        List<AddressRule> rules = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Section rule = Section.of(items.get(i), "addresses[" + i + "]", problems);
            if (rule != null) {
                AddressRule parsed = rule(rule);
                if (parsed != null) {
                    rules.add(parsed);
                }
            }
        }
        return AddressRules.of(rules);
    }

    private static AddressRule rule(Section section) {
        section.rejectUnknown(KEYS);
        String prefix = section.string("prefix", false);
        String pattern = section.string("pattern", false);
        String distributionText = section.string("distribution", true);
        Distribution distribution = distribution(section, distributionText);
        if (prefix == null && pattern == null && !section.isInvalid("prefix") && !section.isInvalid("pattern")) {
            section.problem("prefix", "a rule needs a prefix or a pattern");
            return null;
        }
        if (prefix != null && pattern != null) {
            section.problem("pattern", "a rule has a prefix or a pattern, not both");
            return null;
        }
        if (pattern != null) {
            String problem = AddressRule.patternProblem(pattern);
            if (problem != null) {
                section.problem("pattern", problem);
                return null;
            }
        }
        if (distribution == null) {
            return null;
        }
        return prefix != null ? AddressRule.prefix(prefix, distribution) : AddressRule.pattern(pattern, distribution);
    }

    private static Distribution distribution(Section section, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Distribution.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            section.problem("distribution", "must be one of multicast, closest, balanced; got '" + text + "'");
            return null;
        }
    }
}
