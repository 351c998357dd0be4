package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.transport.adaptor.amqp.AmqpSettings;
import org.junit.jupiter.api.Test;

class AmqpConfigTest {
    private static final String HEAD = "router: {id: a}\nlisten: [{host: 127.0.0.1, port: 1}]\ntls: {insecure: true}\n";

    @Test
    void shouldLoadTheListenerAndItsLimits() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + """
                amqp:
                  listen: {host: 127.0.0.1, port: 5672}
                  maxMessageBytes: 65536
                  linkCredit: 50
                  receiverQueueMax: 200
                """, null);

        assertThat(config.amqp()).isEqualTo(new AmqpSettings("127.0.0.1", 5672, 65_536, 50, 200, false));
    }

    @Test
    void shouldDefaultTheLimitsAndHaveNoListenerWithoutTheSection() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + "amqp:\n  listen: {host: 0.0.0.0, port: 0}\n", null);

        assertThat(config.amqp()).isEqualTo(AmqpSettings.defaults("0.0.0.0", 0));
        assertThat(ConfigLoader.parse(HEAD, null).amqp()).isNull();
    }

    @Test
    void shouldReportBadKeysAndValuesWithPathAndLine() {
        assertThat(problemsOfText(HEAD + """
                amqp:
                  listen: {host: 127.0.0.1, port: 70000}
                  linkCredit: 0
                  receiverQueueMax: 1000000
                  sasl: plain
                """)).extracting(ConfigProblem::path, ConfigProblem::line).contains(
                tuple("amqp.listen.port", 5),
                tuple("amqp.linkCredit", 6),
                tuple("amqp.receiverQueueMax", 7),
                tuple("amqp.sasl", 8));
        assertThat(problemsOfText(HEAD + "amqp:\n  maxMessageBytes: 4096\n"))
                .extracting(ConfigProblem::path).contains("amqp.listen");
    }

    @Test
    void shouldRequireTheMqttUsersFileForSaslPlain() {
        assertThat(problemsOfText(HEAD + """
                mqtt:
                  listen: {host: 127.0.0.1, port: 1883}
                amqp:
                  listen: {host: 127.0.0.1, port: 5672}
                  saslPlain: true
                """)).extracting(ConfigProblem::path, ConfigProblem::message)
                .contains(tuple("amqp.saslPlain", "SASL PLAIN checks the MQTT users file: set mqtt.users too"));
    }
}
