package io.vanrouter.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.adaptor.mqtt.auth.PasswordHash;
import io.vanrouter.transport.adaptor.mqtt.auth.TopicPatterns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT users file: what the CLI writes the router reads, and every mistake has a line. */
class MqttUsersFileTest {
    private static final String HASH = PasswordHash.create("pw".toCharArray(), PasswordHash.ITERATIONS_MIN).format();

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWroteWithOwnerOnlyMode() throws Exception {
        Path file = dir.resolve("users.yaml");
        MqttUser sensor = new MqttUser("sensor-1", PasswordHash.parse(HASH), TopicPatterns.of(List.of("s/+/t", "#")),
                TopicPatterns.NONE);
        MqttUser app = new MqttUser("app: \"quoted\" #", PasswordHash.parse(HASH), TopicPatterns.ALL,
                TopicPatterns.of(List.of("s/#")));

        MqttUsersFile.write(file, List.of(sensor, app));
        MqttUsers read = MqttUsersFile.read(file);

        assertThat(read.names()).containsExactly("sensor-1", "app: \"quoted\" #");
        assertThat(read.get("sensor-1")).isEqualTo(sensor);
        assertThat(read.get("app: \"quoted\" #")).isEqualTo(app);
        assertThat(read.get("sensor-1").password().matches("pw".toCharArray())).isTrue();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).startsWith("# MQTT users of vanrouter");
    }

    @Test
    void shouldReportEveryProblemWithPathAndLine() {
        String text = """
                users:
                  - name: a
                    password: "%s"
                    publish: ["#"]
                    subscribe: ["#"]
                  - name: b
                    password: plain-text
                    publish: ["a/#/b"]
                  - name: a
                    password: "%s"
                    publish: []
                    subscribe: []
                    colour: red
                """.formatted(HASH, HASH);

        ConfigException e = catchThrowableOfType(() -> MqttUsersFile.parse(text, dir.resolve("u.yaml")),
                ConfigException.class);

        assertThat(e.problems()).extracting(ConfigProblem::path, ConfigProblem::line)
                .containsExactly(tuple("users[1].subscribe", 6), tuple("users[1].password", 7),
                        tuple("users[1].publish", 8), tuple("users[2].name", 9), tuple("users[2].colour", 13));
        assertThat(e.getMessage()).contains("mqtt-users add").contains("'a/#/b'").contains("subscribe")
                .contains("user 'a' appears twice").contains("unknown key 'colour'");
    }

    @Test
    void shouldRefuseAnEmptyFileButAcceptAnEmptyList() throws Exception {
        assertThatThrownBy(() -> MqttUsersFile.parse("\n", null)).hasMessageContaining("users: []");
        assertThat(MqttUsersFile.parse("users: []\n", null).size()).isZero();
    }

    @Test
    void shouldCheckTheUsersFileWhenTheConfigurationIsChecked() throws Exception {
        Path config = dir.resolve("r.yaml");
        Files.writeString(config, "router: {id: a}\npeers: [{host: h, port: 1}]\ntls: {insecure: true}\n"
                + "mqtt:\n  listen: {host: 127.0.0.1, port: 1883}\n  users: users.yaml\n");

        assertThat(ConfigLoader.load(config).mqtt().users()).isEqualTo(dir.resolve("users.yaml"));
        assertThatThrownBy(() -> ConfigLoader.loadAndCheckFiles(config, Instant.now()))
                .hasMessageContaining("mqtt.users").hasMessageContaining("no such file");

        Files.writeString(dir.resolve("users.yaml"), "users:\n  - name: x\n");
        assertThatThrownBy(() -> ConfigLoader.loadAndCheckFiles(config, Instant.now()))
                .hasMessageContaining("mqtt.users").hasMessageContaining("password");

        MqttUsersFile.write(dir.resolve("users.yaml"), List.of());
        assertThat(ConfigLoader.loadAndCheckFiles(config, Instant.now()).mqtt().users()).isNotNull();
    }
}
