package io.vanrouter.transport.adaptor.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private static final int FAST = PasswordHash.ITERATIONS_MIN; // the cost is not what these tests are about

    @Test
    void shouldMatchOnlyTheHashedPasswordAfterARoundTripThroughText() {
        PasswordHash hash = PasswordHash.create("s3cret-ü".toCharArray(), FAST);
        PasswordHash read = PasswordHash.parse(hash.format());
        assertThat(read).isEqualTo(hash);
        assertThat(read.matches("s3cret-ü".toCharArray())).isTrue();
        assertThat(read.matches("s3cret-u".toCharArray())).isFalse();
        assertThat(read.matches(new char[0])).isFalse();
        assertThat(hash.format()).startsWith("pbkdf2-sha256$10000$");
        assertThat(hash.toString()).doesNotContain(hash.format().substring(25));
    }

    @Test
    void shouldSaltEachHash() {
        PasswordHash one = PasswordHash.create("same".toCharArray(), FAST);
        PasswordHash two = PasswordHash.create("same".toCharArray(), FAST);
        assertThat(one.format()).isNotEqualTo(two.format());
        assertThat(two.matches("same".toCharArray())).isTrue();
    }

    @Test
    void shouldSayWhatIsWrongWithABadHash() {
        assertThatThrownBy(() -> PasswordHash.parse("plaintext")).hasMessageContaining("mqtt-users add");
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256$x$AAAA$AAAA")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256$5$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"))
                .hasMessageContaining("10000..");
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256$20000$!!$AAAA")).hasMessageContaining("salt");
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256$20000$AAAA$AAAA")).hasMessageContaining("at least");
        assertThatThrownBy(() -> PasswordHash.create("p".toCharArray(), 5)).hasMessageContaining("iterations");
    }
}
