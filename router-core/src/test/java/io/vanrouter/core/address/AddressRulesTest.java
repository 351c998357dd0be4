package io.vanrouter.core.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressRulesTest {

    private final AddressRules rules = AddressRules.of(List.of(
            AddressRule.prefix("telemetry/", Distribution.MULTICAST),
            AddressRule.pattern("orders/*/eu", Distribution.CLOSEST),
            AddressRule.pattern("orders/#", Distribution.MULTICAST),
            AddressRule.prefix("orders/", Distribution.CLOSEST)));

    @Test
    void shouldMatchPrefix() {
        assertThat(rules.forAddress("telemetry/cpu")).isEqualTo(Distribution.MULTICAST);
        assertThat(rules.forAddress("telemetry")).isEqualTo(Distribution.BALANCED);
    }

    @Test
    void shouldMatchStarAsExactlyOneLevel() {
        AddressRule rule = AddressRule.pattern("orders/*/eu", Distribution.CLOSEST);

        assertThat(rule.matches("orders/42/eu")).isTrue();
        assertThat(rule.matches("orders//eu")).isTrue();
        assertThat(rule.matches("orders/eu")).isFalse();
        assertThat(rule.matches("orders/1/2/eu")).isFalse();
        assertThat(rule.matches("orders/42/eu/x")).isFalse();
        assertThat(rule.matches("orders/42/e")).isFalse();
        assertThat(rule.matches("orders/42/eux")).isFalse();
    }

    @Test
    void shouldMatchHashAsTheRestIncludingParent() {
        AddressRule rule = AddressRule.pattern("orders/#", Distribution.MULTICAST);

        assertThat(rule.matches("orders")).isTrue();
        assertThat(rule.matches("orders/")).isTrue();
        assertThat(rule.matches("orders/a/b/c")).isTrue();
        assertThat(rule.matches("ordersx")).isFalse();
        assertThat(rule.matches("order")).isFalse();
    }

    @Test
    void shouldApplyFirstMatchingRule() {
        assertThat(rules.forAddress("orders/7/eu")).isEqualTo(Distribution.CLOSEST);
        assertThat(rules.forAddress("orders/7/us")).isEqualTo(Distribution.MULTICAST);
        assertThat(rules.firstMatch("orders/7/us").orElseThrow().text()).isEqualTo("orders/#");
    }

    @Test
    void shouldDefaultToBalancedForPlainAndMulticastForTopics() {
        assertThat(rules.forAddress("payments")).isEqualTo(Distribution.BALANCED);
        assertThat(rules.forTopic("payments")).isEqualTo(Distribution.MULTICAST);
        assertThat(AddressRules.none().forTopic("x")).isEqualTo(Distribution.MULTICAST);
    }

    @Test
    void shouldKeepSharedGroupsAnycast() {
        assertThat(rules.forSharedGroup("telemetry/cpu")).isEqualTo(Distribution.BALANCED);
        assertThat(rules.forSharedGroup("orders/1/eu")).isEqualTo(Distribution.CLOSEST);
        assertThat(rules.forSharedGroup("other")).isEqualTo(Distribution.BALANCED);
    }

    @Test
    void shouldRejectBadPatterns() {
        assertThat(AddressRule.patternProblem("a/#/b")).contains("last level");
        assertThat(AddressRule.patternProblem("a*/b")).contains("whole level");
        assertThat(AddressRule.patternProblem("")).isNotNull();
        assertThatThrownBy(() -> AddressRule.pattern("a/b#", Distribution.CLOSEST))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
