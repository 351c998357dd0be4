package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.MqttUsersFile;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a users file for the {@code mqtt-users} commands, printing why it cannot be used. */
final class MqttUsersEdit {
    private MqttUsersEdit() {
    }

    /**
     * @param missingIsEmpty whether a file that does not exist yet counts as one without users
     * @return the users in file order, or null after printing the problem to {@code err}
     */
    static List<MqttUser> read(Path file, boolean missingIsEmpty, PrintWriter err) {
        if (missingIsEmpty && !Files.exists(file)) {
            return new ArrayList<>();
        }
        try {
            List<MqttUser> users = new ArrayList<>();
            var read = MqttUsersFile.read(file);
            for (String name : read.names()) {
                users.add(read.get(name));
            }
            return users;
        } catch (ConfigException e) {
            err.println(e.getMessage());
        } catch (IOException e) {
            err.println(file + ": cannot be read: " + (Files.exists(file) ? e.getMessage() : "no such file"));
        }
        return null;
    }
}
