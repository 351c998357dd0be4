package io.vanrouter.daemon.cli;

import static io.vanrouter.daemon.cli.CliRun.vanrouter;
import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.config.MqttUsersFile;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vanrouter mqtt-users add/remove/list} against a real users file. */
class MqttUsersCommandTest {
    @TempDir
    Path dir;

    private String file() {
        return dir.resolve("users.yaml").toString();
    }

    private String password(String text) throws Exception {
        Path file = Files.createTempFile(dir, "pw", ".txt");
        Files.writeString(file, text + "\nignored second line\n");
        return file.toString();
    }

    @Test
    void shouldAddUpdateListAndRemoveUsers() throws Exception {
        CliRun added = vanrouter("mqtt-users", "add", "--file", file(), "--user", "sensor", "--publish",
                "sensors/sensor/#", "--subscribe", "", "--password-file", password("s3cret"), "--iterations",
                "10000");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("added user sensor").contains("publish [sensors/sensor/#]")
                .contains("subscribe []");
        assertThat(vanrouter("mqtt-users", "add", "--file", file(), "--user", "app", "--password-file",
                password("app-pw"), "--iterations", "10000").exitCode()).isZero();

        MqttUsers users = MqttUsersFile.read(Path.of(file()));
        assertThat(users.names()).containsExactly("sensor", "app");
        assertThat(users.get("sensor").password().matches("s3cret".toCharArray())).isTrue();
        assertThat(users.get("sensor").subscribe().patterns()).isEmpty();
        assertThat(users.get("app").publish().patterns()).containsExactly("#");
        assertThat(Files.readString(Path.of(file()))).doesNotContain("s3cret");

        CliRun updated = vanrouter("mqtt-users", "add", "--file", file(), "--user", "sensor", "--password-file",
                password("n3w"), "--iterations", "10000");
        assertThat(updated.out()).contains("updated user sensor");
        assertThat(MqttUsersFile.read(Path.of(file())).get("sensor").password().matches("n3w".toCharArray()))
                .isTrue();

        CliRun list = vanrouter("mqtt-users", "list", "--file", file());
        assertThat(list.out()).contains("USER").contains("sensor").contains("app").contains("10000 iterations")
                .doesNotContain("pbkdf2-sha256$");

        assertThat(vanrouter("mqtt-users", "remove", "--file", file(), "--user", "sensor").exitCode()).isZero();
        assertThat(MqttUsersFile.read(Path.of(file())).names()).containsExactly("app");
        CliRun again = vanrouter("mqtt-users", "remove", "--file", file(), "--user", "sensor");
        assertThat(again.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(again.err()).contains("no user sensor");
    }

    @Test
    void shouldRefuseBadPatternsEmptyPasswordsAndMissingPasswordSources() throws Exception {
        CliRun pattern = vanrouter("mqtt-users", "add", "--file", file(), "--user", "u", "--publish", "a/#/b",
                "--password-file", password("pw"));
        assertThat(pattern.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(pattern.err()).contains("'a/#/b'");

        CliRun empty = vanrouter("mqtt-users", "add", "--file", file(), "--user", "u", "--password-file",
                password(""));
        assertThat(empty.err()).contains("password is empty");

        CliRun noSource = vanrouter("mqtt-users", "add", "--file", file(), "--user", "u");
        assertThat(noSource.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noSource.err()).contains("--password-stdin or --password-file");
        assertThat(Files.exists(Path.of(file()))).as("nothing written").isFalse();

        Files.writeString(Path.of(file()), "users: [oops]\n");
        CliRun broken = vanrouter("mqtt-users", "list", "--file", file());
        assertThat(broken.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(broken.err()).contains("users[0]");
    }
}
