package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.FIXTURES;
import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.daemon.config.RouterConfig.MqttConfig;
import io.vanrouter.transport.adaptor.mqtt.MqttSettings;
import io.vanrouter.transport.wire.MessageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mqtt:} section: good and bad fixtures under src/test/resources/config. */
class MqttConfigTest {

    @Test
    void shouldLoadTheMqttListenerAndMessageLimit() throws Exception {
        RouterConfig config = ConfigLoader.load(FIXTURES.resolve("mqtt.yaml"));

        assertThat(config.mqtt()).isEqualTo(new MqttConfig("0.0.0.0", 1883, 65_536));
        MqttSettings settings = config.mqtt().settings();
        assertThat(settings.maxMessageBytes()).isEqualTo(65_536);
        assertThat(settings.receiveMaximum()).isEqualTo(MqttSettings.RECEIVE_MAXIMUM_DEFAULT);
        assertThat(settings.connectTimeoutMillis()).isEqualTo(MqttSettings.CONNECT_TIMEOUT_MILLIS_DEFAULT);
    }

    @Test
    void shouldDefaultTheMessageLimitAndAcceptPortZero() throws Exception {
        RouterConfig config = ConfigLoader.load(FIXTURES.resolve("mqtt-defaults.yaml"));

        assertThat(config.mqtt()).isEqualTo(new MqttConfig("127.0.0.1", 0, MqttSettings.MAX_MESSAGE_BYTES_DEFAULT));
    }

    @Test
    void shouldResolveTheListenersTlsFilesAndCheckThemWhenAsked(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("r.yaml");
        Files.writeString(config, "router: {id: a}\npeers: [{host: h, port: 1}]\ntls: {insecure: true}\n"
                + "mqtt:\n  listen: {host: 127.0.0.1, port: 1883}\n"
                + "  tls: {cert: mqtt.crt, key: mqtt.key, clientCa: clients.crt}\n");

        assertThat(ConfigLoader.load(config).mqtt().tls()).isEqualTo(new MqttConfig.Tls(dir.resolve("mqtt.crt"),
                dir.resolve("mqtt.key"), dir.resolve("clients.crt")));
        assertThatThrownBy(() -> ConfigLoader.loadAndCheckFiles(config, Instant.now()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.tls.cert").hasMessageContaining("cannot read the certificate");
    }

    @Test
    void shouldHaveNoMqttListenerWithoutTheSection() throws Exception {
        assertThat(ConfigLoader.load(FIXTURES.resolve("minimal.yaml")).mqtt()).isNull();
    }

    @Test
    void shouldReportEveryBadMqttValueAndUnknownKeyWithPathAndLine() {
        assertThat(problemsOf("bad-mqtt.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("mqtt.listen.port", 9, "must be 0..65535, got 70000"),
                        tuple("mqtt.listen.tls", 10, "unknown key 'tls'; known keys: host, port"),
                        tuple("mqtt.maxMessageBytes", 11, "must be 1024..16777216, got 512"),
                        tuple("mqtt.retain", 12, "unknown key 'retain'; known keys: listen, maxMessageBytes, tls, users"));
    }

    @Test
    void shouldRequireTheListenerAndAnIntegerLimit() {
        assertThat(problemsOf("bad-mqtt-no-listen.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("mqtt.listen", 7, "is required"),
                        tuple("mqtt.maxMessageBytes", 7, "must be an integer, got the string \"32MiB\""));
    }

    @Test
    void shouldRefuseAMessageLimitThatDoesNotFitInTheFrameLimit() {
        assertThat(problemsOf("bad-mqtt-frame-limit.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("mqtt.maxMessageBytes", 12, "mqtt.maxMessageBytes (1048576) plus 1810 bytes of MESSAGE"
                                + " frame header does not fit in routing.maxFrameBytes (1048576): raise"
                                + " routing.maxFrameBytes to at least 1050386 on every router, or lower"
                                + " mqtt.maxMessageBytes to at most 1046766"));
    }

    @Test
    void shouldRefuseAFrameLimitBelowTheDefaultMessageLimitWhereItIsSet() {
        assertThat(problemsOf("bad-frame-limit-below-mqtt-default.yaml")).extracting(ConfigProblem::path,
                ConfigProblem::line, ConfigProblem::message).containsExactly(
                        tuple("routing.maxFrameBytes", 7, "mqtt.maxMessageBytes (default 262144) plus 1810 bytes of"
                                + " MESSAGE frame header does not fit in routing.maxFrameBytes (65536): raise"
                                + " routing.maxFrameBytes to at least 263954 on every router, or lower"
                                + " mqtt.maxMessageBytes to at most 63726"));
    }

    @Test
    void shouldAcceptTheLargestMessageLimitWithAFrameLimitThatHoldsIt() throws Exception {
        RouterConfig config = ConfigLoader.load(FIXTURES.resolve("mqtt-frame-limit-fits.yaml"));

        assertThat(config.mqtt().maxMessageBytes()).isEqualTo(16 << 20);
        assertThat(config.routing().maxFrameBytes()).isEqualTo((16 << 20) + MessageCodec.HEADER_BYTES_MAX);
    }

    @Test
    void shouldRejectAListenerThatIsNotAMapping() {
        assertThat(problemsOf("bad-mqtt-types.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                tuple("mqtt.listen", 7, "must be a mapping, got a list"));
    }
}
