package io.vanrouter.core.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void shouldParseSharedSubscriptionIntoGroupAndFilter() {
        Address address = Address.fromMqttSubscription("$share/workers/orders/+/eu");

        assertThat(address.kind()).isEqualTo(AddressKind.TOPIC_FILTER);
        assertThat(address.group()).isEqualTo("workers");
        assertThat(address.name()).isEqualTo("orders/+/eu");
        assertThat(address.isShared()).isTrue();
        assertThat(address).hasToString("$share/workers/orders/+/eu");
    }

    @Test
    void shouldParsePlainSubscriptionWithoutGroup() {
        Address address = Address.fromMqttSubscription("sport/#");

        assertThat(address).isEqualTo(Address.topicFilter("sport/#"));
        assertThat(address.isShared()).isFalse();
    }

    @Test
    void shouldRejectSharedSubscriptionWithoutFilter() {
        assertThatThrownBy(() -> Address.fromMqttSubscription("$share/g"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Address.fromMqttSubscription("$share//a"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectMisplacedWildcards() {
        assertThat(Address.problem(AddressKind.TOPIC_FILTER, "sport/#/x", null)).contains("last level");
        assertThat(Address.problem(AddressKind.TOPIC_FILTER, "sport#", null)).contains("whole level");
        assertThat(Address.problem(AddressKind.TOPIC_FILTER, "a/b+/c", null)).contains("whole level");
        assertThat(Address.problem(AddressKind.TOPIC_FILTER, "+/+/#", null)).isNull();
        assertThat(Address.problem(AddressKind.TOPIC_FILTER, "#", null)).isNull();
    }

    @Test
    void shouldAcceptAnyCharactersInPlainAddress() {
        assertThat(Address.plain("sport/#/+ x").name()).isEqualTo("sport/#/+ x");
    }

    @Test
    void shouldLimitNameToMaxUtf8Bytes() {
        String euro = "\u20ac";  // 3 UTF-8 bytes
        String fits = euro.repeat(341) + "x";  // 1024 bytes
        String tooLong = euro.repeat(342);  // 1026 bytes

        assertThat(Address.plain(fits).name()).isEqualTo(fits);
        assertThat(Address.problem(AddressKind.PLAIN, tooLong, null)).contains("1024");
        assertThatThrownBy(() -> Address.plain(tooLong)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReportProblemsWithoutThrowing() {
        assertThat(Address.problem(null, null, null)).isNotNull();
        assertThat(Address.problem(AddressKind.PLAIN, "", null)).isEqualTo("empty address");
        assertThat(Address.problem(AddressKind.PLAIN, "a", "g")).isNotNull();
        assertThat(Address.problem(AddressKind.TOPIC_FILTER, "a", "g/h")).isNotNull();
    }

    @Test
    void shouldRoundTripWireCodes() {
        for (AddressKind kind : AddressKind.values()) {
            assertThat(AddressKind.fromCode(kind.code())).isEqualTo(kind);
        }
        for (Distribution distribution : Distribution.values()) {
            assertThat(Distribution.fromCode(distribution.code())).isEqualTo(distribution);
        }
        assertThatThrownBy(() -> Distribution.fromCode((byte) 99)).isInstanceOf(IllegalArgumentException.class);
    }
}
