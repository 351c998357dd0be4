package io.vanrouter.transport.adaptor.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRule;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.Distribution;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class AmqpAddressesTest {
    private static final AddressRules RULES = AddressRules.of(List.of(
            AddressRule.prefix("mc/", Distribution.MULTICAST), AddressRule.prefix("near/", Distribution.CLOSEST)));

    @Test
    void shouldMakeReceiversBalancedGroupMembersUnlessARuleSaysMulticast() {
        assertThat(AmqpAddresses.forReceiver("jobs", RULES)).isEqualTo(Address.sharedFilter("amqp", "jobs"));
        assertThat(AmqpAddresses.forReceiver("near/1", RULES)).isEqualTo(Address.sharedFilter("amqp", "near/1"));
        assertThat(AmqpAddresses.distribution("near/1", RULES)).isEqualTo(Distribution.CLOSEST);
        assertThat(AmqpAddresses.distribution("jobs", RULES)).isEqualTo(Distribution.BALANCED);
        assertThat(AmqpAddresses.forReceiver("mc/#", RULES)).isEqualTo(Address.topicFilter("mc/#"));
    }

    @Test
    void shouldRefuseEmptyAddressesAndWildcardsInASendersAddress() {
        assertThatThrownBy(() -> AmqpAddresses.forReceiver(null, RULES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AmqpAddresses.forSender("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AmqpAddresses.forSender("a/+")).hasMessageContaining("wildcards");
        assertThatThrownBy(() -> AmqpAddresses.forReceiver("a/#/b", RULES))
                .isInstanceOf(IllegalArgumentException.class);
        AmqpAddresses.forSender("a/b");
    }

    @Test
    void shouldMatchTopicsAsMqttDoes() {
        assertThat(AmqpAddresses.matches("a/+/c", "a/b/c")).isTrue();
        assertThat(AmqpAddresses.matches("a/+/c", "a/b/d")).isFalse();
        assertThat(AmqpAddresses.matches("a/#", "a")).isTrue();
        assertThat(AmqpAddresses.matches("a/#", "a/b/c")).isTrue();
        assertThat(AmqpAddresses.matches("a/b", "a/b/c")).isFalse();
        assertThat(AmqpAddresses.matches("#", "$SYS/x")).isFalse();
        assertThat(AmqpAddresses.matches("a//b", "a//b")).isTrue();
    }

    @Test
    void shouldCarryDataStringAndBinaryBodiesAsBytesAndRefuseOthers() {
        assertThat(AmqpBodies.payload(message(new Data(new Binary(bytes("d")))))).isEqualTo(bytes("d"));
        assertThat(AmqpBodies.payload(message(new AmqpValue("s")))).isEqualTo(bytes("s"));
        assertThat(AmqpBodies.payload(message(new AmqpValue(new Binary(bytes("b")))))).isEqualTo(bytes("b"));
        assertThat(AmqpBodies.payload(message(null))).isEmpty();
        Message sequence = message(new AmqpSequence(List.of(1, 2)));
        assertThat(AmqpBodies.payload(sequence)).isNull();
        assertThat(AmqpBodies.unsupported(sequence)).contains("AmqpSequence");
        assertThat(AmqpBodies.payload(message(new AmqpValue(42)))).isNull();
    }

    private static Message message(org.apache.qpid.proton.amqp.messaging.Section body) {
        Message message = Message.Factory.create();
        message.setBody(body);
        return message;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
