package io.vanrouter.transport.adaptor.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicPatternsTest {
    private static TopicPatterns of(String... patterns) {
        return TopicPatterns.of(List.of(patterns));
    }

    @Test
    void shouldMatchPublishedTopicsLikeMqttFilters() {
        TopicPatterns patterns = of("sensors/+/temp", "cmd/a/#", "exact");
        assertThat(patterns.allowsPublish("sensors/s1/temp")).isTrue();
        assertThat(patterns.allowsPublish("sensors//temp")).isTrue(); // '+' matches an empty level
        assertThat(patterns.allowsPublish("sensors/s1/temp/x")).isFalse();
        assertThat(patterns.allowsPublish("sensors/s1")).isFalse();
        assertThat(patterns.allowsPublish("cmd/a")).isTrue(); // '#' includes the parent level
        assertThat(patterns.allowsPublish("cmd/a/b/c")).isTrue();
        assertThat(patterns.allowsPublish("cmd/ab")).isFalse();
        assertThat(patterns.allowsPublish("exact")).isTrue();
        assertThat(patterns.allowsPublish("exac")).isFalse();
        assertThat(patterns.allowsPublish("exact/")).isFalse();
        assertThat(patterns.allowsPublish("other")).isFalse();
    }

    @Test
    void shouldAllowOnlySubscriptionsThePatternsCover() {
        TopicPatterns patterns = of("sensors/#", "cmd/+/set", "one/two");
        assertThat(patterns.allowsSubscribe("sensors/#")).isTrue();
        assertThat(patterns.allowsSubscribe("sensors/+/temp")).isTrue();
        assertThat(patterns.allowsSubscribe("sensors")).isTrue();
        assertThat(patterns.allowsSubscribe("#")).isFalse();
        assertThat(patterns.allowsSubscribe("+/temp")).isFalse();
        assertThat(patterns.allowsSubscribe("cmd/+/set")).isTrue();
        assertThat(patterns.allowsSubscribe("cmd/x/set")).isTrue();
        assertThat(patterns.allowsSubscribe("cmd/#")).isFalse();
        assertThat(patterns.allowsSubscribe("cmd/x/#")).isFalse();
        assertThat(patterns.allowsSubscribe("one/+")).isFalse(); // would match one/three too
        assertThat(patterns.allowsSubscribe("one/two")).isTrue();
        assertThat(patterns.allowsSubscribe("$share/g/sensors/x")).isTrue();
        assertThat(patterns.allowsSubscribe("$share/g/other")).isFalse();
        assertThat(patterns.allowsSubscribe("$share/g")).isFalse();
    }

    @Test
    void shouldAllowEverythingWithHashAndNothingWithoutPatterns() {
        assertThat(TopicPatterns.ALL.allowsPublish("a/b")).isTrue();
        assertThat(TopicPatterns.ALL.allowsSubscribe("#")).isTrue();
        assertThat(TopicPatterns.NONE.allowsPublish("a")).isFalse();
        assertThat(TopicPatterns.NONE.allowsSubscribe("a")).isFalse();
    }

    @Test
    void shouldRefuseInvalidPatternsByName() {
        assertThatThrownBy(() -> of("ok/#", "a/#/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a/#/b'");
        assertThatThrownBy(() -> of("a+")).hasMessageContaining("'a+'");
        assertThatThrownBy(() -> of("")).hasMessageContaining("empty");
    }
}
